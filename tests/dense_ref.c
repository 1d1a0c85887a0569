/* Dense reference implementation: explicit matrices, no shortcuts. */
#include "dense_ref.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hsmt.h"

static int digit(size_t z, int i, int d)
{
    for (int j = 0; j < i; j++)
        z /= (size_t)d;
    return (int)(z % (size_t)d);
}

void dense_new(dense_state *s, int n, int d)
{
    s->n = n;
    s->d = d;
    s->N = 1;
    for (int i = 0; i < n; i++)
        s->N *= (size_t)d;
    s->psi = calloc(s->N, sizeof *s->psi);
    assert(s->psi);
}

void dense_free(dense_state *s) { free(s->psi); }

void dense_plus(dense_state *s)
{
    for (size_t z = 0; z < s->N; z++)
        s->psi[z] = 1.0 / sqrt((double)s->N);
}

/* psi <- A psi for an explicit N x N matrix A. */
static void matvec(dense_state *s, const cplx *A)
{
    cplx *out = calloc(s->N, sizeof *out);
    assert(out);
    for (size_t r = 0; r < s->N; r++)
        for (size_t c = 0; c < s->N; c++)
            out[r] += A[r * s->N + c] * s->psi[c];
    memcpy(s->psi, out, s->N * sizeof *out);
    free(out);
}

void dense_write(dense_state *s, uint64_t mask, int weight)
{
    cplx *D = calloc(s->N * s->N, sizeof *D);
    assert(D);
    for (size_t z = 0; z < s->N; z++) {
        long prod = 1;
        for (int i = 0; i < s->n; i++)
            if (mask >> i & 1)
                prod *= digit(z, i, s->d);
        D[z * s->N + z] = cexp(2.0 * M_PI * I * (double)weight * (double)prod / s->d);
    }
    matvec(s, D);
    free(D);
}

void dense_basis_matrix(int d, int code, cplx *U)
{
    for (int j = 0; j < d; j++)
        for (int k = 0; k < d; k++) {
            if (code == HS_BASIS_Z)
                U[j * d + k] = j == k;
            else
                U[j * d + k] = cexp(-2.0 * M_PI * I * j * k / d) / sqrt((double)d) *
                               cexp(-I * M_PI * code * (double)k * k / d);
        }
}

void dense_measure(dense_state *s, int site, const cplx *U, double *p, int outcome)
{
    const size_t N = s->N;
    const int d = s->d;
    /* Full operator I x .. x U x .. x I. */
    cplx *A = calloc(N * N, sizeof *A);
    assert(A);
    for (size_t r = 0; r < N; r++)
        for (size_t c = 0; c < N; c++) {
            int same = 1;
            for (int i = 0; i < s->n && same; i++)
                if (i != site && digit(r, i, d) != digit(c, i, d))
                    same = 0;
            if (same)
                A[r * N + c] = U[digit(r, site, d) * d + digit(c, site, d)];
        }
    matvec(s, A);
    free(A);
    /* Projectors P_o = |o><o| on the site. */
    cplx *P = calloc(N * N, sizeof *P);
    assert(P);
    double total = 0;
    for (int o = 0; o < d; o++) {
        memset(P, 0, N * N * sizeof *P);
        for (size_t z = 0; z < N; z++)
            P[z * N + z] = digit(z, site, d) == o;
        double w = 0;
        for (size_t r = 0; r < N; r++) {
            cplx v = 0;
            for (size_t c = 0; c < N; c++)
                v += P[r * N + c] * s->psi[c];
            w += creal(v * conj(v));
        }
        p[o] = w;
        total += w;
    }
    free(P);
    for (int o = 0; o < d; o++)
        p[o] /= total;
    double scale = 1.0 / sqrt(p[outcome] * total);
    for (size_t z = 0; z < N; z++)
        s->psi[z] = digit(z, site, d) == outcome ? s->psi[z] * scale : 0;
}
