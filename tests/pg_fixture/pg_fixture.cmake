# PostgreSQL for tests. Include this file from every CMakeLists.txt that has PostgreSQL tests;
# it is safe to include more than once.
#
# One throwaway cluster serves one ctest run: the test `pg_cluster_start` (FIXTURES_SETUP
# pg_cluster) starts it in ${CMAKE_BINARY_DIR}/pg-cluster and writes its admin URL to
# ${CMAKE_BINARY_DIR}/pg-cluster/url; `pg_cluster_stop` (FIXTURES_CLEANUP) stops it. CTest adds
# both to any run that selects a test requiring the fixture, runs the start once before all of
# those tests (also with -j) and the stop after them.
#
# Tests read the admin URL from DIALTRACK_TEST_PG_URL, else from the file named by
# DIALTRACK_TEST_PG_URL_FILE (set on every test below). Setting DIALTRACK_TEST_PG_URL before
# running ctest uses that server instead of starting one.
#
#   dialtrack_require_pg(test...)                for tests made with add_test
#   dialtrack_discover_pg_tests(target [LABELS label...] [PROPERTIES name value...]
#                               [other gtest_discover_tests options...])
#                                               for a gtest executable whose tests all need it
#   target dialtrack_pg_fixture                  C++ side: pg_fixture.hpp
find_package(PostgreSQL REQUIRED)
include(GoogleTest)

set(DIALTRACK_PG_CLUSTER_DIR ${CMAKE_BINARY_DIR}/pg-cluster)
set(DIALTRACK_PG_TEST_ENVIRONMENT DIALTRACK_TEST_PG_URL_FILE=${DIALTRACK_PG_CLUSTER_DIR}/url)

if(NOT TARGET dialtrack_pg_fixture)
  add_library(dialtrack_pg_fixture STATIC ${CMAKE_CURRENT_LIST_DIR}/pg_fixture.cpp)
  target_include_directories(dialtrack_pg_fixture PUBLIC ${CMAKE_CURRENT_LIST_DIR})
  target_link_libraries(dialtrack_pg_fixture PRIVATE PostgreSQL::PostgreSQL)
endif()

# Fixture names are global to a ctest run, so the setup and cleanup tests exist once.
get_property(_dialtrack_pg_fixture_defined GLOBAL PROPERTY DIALTRACK_PG_FIXTURE_DEFINED)
if(NOT _dialtrack_pg_fixture_defined)
  set_property(GLOBAL PROPERTY DIALTRACK_PG_FIXTURE_DEFINED TRUE)
  add_test(NAME pg_cluster_start
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/pg_cluster_fixture.sh start ${DIALTRACK_PG_CLUSTER_DIR})
  set_tests_properties(pg_cluster_start PROPERTIES
    FIXTURES_SETUP pg_cluster LABELS postgresql TIMEOUT 120)
  add_test(NAME pg_cluster_stop
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/pg_cluster_fixture.sh stop ${DIALTRACK_PG_CLUSTER_DIR})
  set_tests_properties(pg_cluster_stop PROPERTIES
    FIXTURES_CLEANUP pg_cluster LABELS postgresql TIMEOUT 120)
endif()

function(dialtrack_require_pg)
  set_property(TEST ${ARGN} APPEND PROPERTY FIXTURES_REQUIRED pg_cluster)
  set_property(TEST ${ARGN} APPEND PROPERTY ENVIRONMENT ${DIALTRACK_PG_TEST_ENVIRONMENT})
  set_property(TEST ${ARGN} APPEND PROPERTY LABELS postgresql)
endfunction()

function(dialtrack_discover_pg_tests target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "LABELS;PROPERTIES")
  # PRE_TEST: the test list is read when ctest runs, so building needs no cluster.
  gtest_discover_tests(${target} ${arg_UNPARSED_ARGUMENTS}
    DISCOVERY_MODE PRE_TEST
    TEST_LIST ${target}_TESTS
    PROPERTIES
      LABELS postgresql
      FIXTURES_REQUIRED pg_cluster
      ENVIRONMENT ${DIALTRACK_PG_TEST_ENVIRONMENT}
      ${arg_PROPERTIES})
  if(arg_LABELS)
    # gtest_discover_tests splits a list-valued property into words, so further labels are set
    # by a ctest include that runs after the discovered tests were added.
    list(PREPEND arg_LABELS postgresql)
    set(labels_file ${CMAKE_CURRENT_BINARY_DIR}/${target}_labels.cmake)
    file(WRITE ${labels_file}
      "if(${target}_TESTS)\n"
      "  set_tests_properties(\${${target}_TESTS} PROPERTIES LABELS [==[${arg_LABELS}]==])\n"
      "endif()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${labels_file})
  endif()
endfunction()
