/* Dumps one small trained-model computation in double precision (hs_nn64) for
 * tests/torch_check.py, which repeats it with torch and compares: the
 * parameters, a batch (tokens, scored positions, targets), the logits, the
 * mean cross-entropy, its gradient for every tensor, and the parameters after
 * three AdamW steps with clipping (each step on a fresh forward/backward).
 *
 * usage: torch_dump lstm|gru|transformer FILE
 * Text format, one record per line, space-separated:
 *   hparams KIND vocab nout hidden embed d_model layers heads max_t
 *   batch B T npos
 *   pos P...   tok ...   target ...   loss L   logits ...
 *   adam lr weight_decay clip steps
 *   param NAME ROWS COLS v...   grad NAME ROWS COLS v...
 *   after NAME ROWS COLS v...   (parameters after the AdamW steps) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn.h"
#include "nn_check.h"
#include "nn_ops.h"
#include "adamw.h"
#include "sys.h"

#define ADAM_LR 0.01
#define ADAM_WD 0.1
#define ADAM_CLIP 0.5
#define ADAM_STEPS 3

static void put_tensors(FILE *f, const char *tag, const hs_nn *net, const hs_real *slab)
{
    for (int i = 0; i < net->ntensors; i++) {
        const hs_nn_tensor *t = &net->tensors[i];
        fprintf(f, "%s %s %zu %zu", tag, t->name, t->rows, t->cols);
        for (size_t j = 0; j < t->rows * t->cols; j++)
            fprintf(f, " %.17g", (double)slab[t->off + j]);
        fputc('\n', f);
    }
}

int main(int argc, char **argv)
{
    if (argc != 3 || hs_nn_kind_parse(argv[1]) < 0) {
        fprintf(stderr, "usage: torch_dump lstm|gru|transformer FILE\n");
        return HS_EXIT_USAGE;
    }
    hs_nn_blas_threads(1);
    const int kind = hs_nn_kind_parse(argv[1]);
    /* An HSMT-like layout: ell = 2 writes, SEP, q = 3 query/outcome pairs. */
    const int B = 3, T = 9, npos = 3, pos[3] = {3, 5, 7};
    const hs_nn_hparams hp = {.kind = kind, .vocab = 11, .nout = 3, .hidden = 6, .embed = 5,
                              .d_model = 8, .layers = 2, .heads = 2, .max_t = 12};
    nn_check_batch c;
    nn_check_batch_new(&c, &hp, B, T, pos, npos, 7);
    /* Off the initialisation's special values (zero biases, identity layer
     * norms), so that every term of the computation matters. */
    hs_real *noise = hs_alloc(c.net->nparams * sizeof *noise);
    nn_check_fill(noise, c.net->nparams, 8, 0.3);
    for (size_t i = 0; i < c.net->nparams; i++)
        c.net->params[i] += noise[i];
    hs_sys_free(noise);

    FILE *f = fopen(argv[2], "w");
    if (!f)
        hs_sys_fatal("cannot write %s", argv[2]);
    fprintf(f, "hparams %s %d %d %d %d %d %d %d %d\n", argv[1], hp.vocab, hp.nout, hp.hidden, hp.embed,
            hp.d_model, hp.layers, hp.heads, hp.max_t);
    fprintf(f, "batch %d %d %d\npos", B, T, npos);
    for (int j = 0; j < npos; j++)
        fprintf(f, " %d", pos[j]);
    fputs("\ntok", f);
    for (int i = 0; i < B * T; i++)
        fprintf(f, " %u", c.tok[i]);
    fputs("\ntarget", f);
    for (int i = 0; i < B * npos; i++)
        fprintf(f, " %d", c.target[i]);
    fputc('\n', f);
    put_tensors(f, "param", c.net, c.net->params);

    nn_check_grad(&c);
    fprintf(f, "loss %.17g\nlogits", nn_check_loss(&c));
    for (int i = 0; i < B * npos * hp.nout; i++)
        fprintf(f, " %.17g", (double)c.logits[i]);
    fputc('\n', f);
    put_tensors(f, "grad", c.net, c.net->grads);

    hs_adamw opt;
    hs_adamw_init(&opt, c.net->nparams, ADAM_WD, ADAM_CLIP);
    for (int s = 0; s < ADAM_STEPS; s++) {
        nn_check_grad(&c);
        hs_adamw_step(&opt, c.net->params, c.net->grads, ADAM_LR);
    }
    hs_adamw_free(&opt);
    fprintf(f, "adam %.17g %.17g %.17g %d\n", ADAM_LR, ADAM_WD, ADAM_CLIP, ADAM_STEPS);
    put_tensors(f, "after", c.net, c.net->params);
    if (fclose(f) != 0)
        hs_sys_fatal("writing %s failed", argv[2]);
    nn_check_batch_free(&c);
    return 0;
}
