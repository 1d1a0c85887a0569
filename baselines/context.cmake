# Contextuality LP (context.c) over GLPK. Debian's libglpk-dev ships no
# pkg-config file, so GLPK is found by its header and library. Included by
# baselines/CMakeLists.txt after analytic.cmake (it reuses hs_analytic's
# brute-force kernels); its test is registered here.
find_path(HS_GLPK_INCLUDE_DIR glpk.h REQUIRED)
find_library(HS_GLPK_LIB NAMES glpk REQUIRED)

add_library(hs_context STATIC ${CMAKE_CURRENT_LIST_DIR}/context.c)
target_include_directories(hs_context PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_include_directories(hs_context SYSTEM PUBLIC ${HS_GLPK_INCLUDE_DIR})
target_link_libraries(hs_context PUBLIC hs_analytic ${HS_GLPK_LIB} ${M_LIB})

hs_add_cmocka_test(test_context ${PROJECT_SOURCE_DIR}/tests/test_context.c LIBS hs_context)
