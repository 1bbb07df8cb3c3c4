# Warnings for the project's own code (third-party headers come in as SYSTEM includes).
add_library(worthit_warnings INTERFACE)
target_compile_options(worthit_warnings INTERFACE -Wall -Wextra -Wpedantic -Wno-unused-parameter)

# worthit_add_component(NAME SOURCES... [DEPS ...]) — one static library per src/ folder,
# include root is src/ so headers are included as "common/result.h".
function(worthit_add_component name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(worthit_${name} STATIC ${ARG_SOURCES})
  target_include_directories(worthit_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(worthit_${name} PUBLIC ${ARG_DEPS} PRIVATE worthit_warnings)
endfunction()

# worthit_add_test(NAME SOURCES... DEPS ... [LABELS ...]) — one GoogleTest binary, discovered by ctest.
function(worthit_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main worthit_warnings)
  target_compile_definitions(${name} PRIVATE WORTHIT_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                             WORTHIT_BINARY_DIR="${PROJECT_BINARY_DIR}")
  if(ARG_LABELS)
    # gtest_discover_tests passes PROPERTIES through a command line that drops list escaping, so
    # "e2e;redis" would keep only "e2e". Several labels become one word "e2e+redis" instead:
    # `ctest -L redis`, `-L e2e` and `-LE 'e2e|redis'` match label regexes, so each still selects it.
    string(REPLACE ";" "+" labels "${ARG_LABELS}")
    gtest_discover_tests(${name} PROPERTIES LABELS "${labels}" DISCOVERY_TIMEOUT 60)
  else()
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
