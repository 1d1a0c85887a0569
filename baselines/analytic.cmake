# Analytic classical models (no training): exact brute force, pre-sampling
# (noncontextual) and the k = 2 stabilizer tableau. Included by
# baselines/CMakeLists.txt; tests are registered here with hs_add_cmocka_test.
add_library(hs_analytic STATIC
  ${CMAKE_CURRENT_LIST_DIR}/exact.c
  ${CMAKE_CURRENT_LIST_DIR}/presample.c
  ${CMAKE_CURRENT_LIST_DIR}/tableau.c)
target_include_directories(hs_analytic PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(hs_analytic PUBLIC hs_core)

hs_add_cmocka_test(test_exact ${PROJECT_SOURCE_DIR}/tests/test_exact.c LIBS hs_analytic)
hs_add_cmocka_test(test_presample ${PROJECT_SOURCE_DIR}/tests/test_presample.c LIBS hs_analytic)
hs_add_cmocka_test(test_tableau ${PROJECT_SOURCE_DIR}/tests/test_tableau.c LIBS hs_analytic)
