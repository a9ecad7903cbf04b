# One helper per kind of target, so every component looks the same.

# amity_library(NAME SOURCES ... DEPS ...)
function(amity_library name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${A_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_BINARY_DIR}/generated)
  target_link_libraries(${name} PUBLIC ${A_DEPS})
endfunction()

# amity_test(NAME SOURCES ... DEPS ... LABELS ...): a GoogleTest binary registered with CTest.
function(amity_test name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_link_libraries(${name} PRIVATE ${A_DEPS} GTest::gtest GTest::gtest_main)
  include(GoogleTest)
  gtest_discover_tests(${name} PROPERTIES LABELS "${A_LABELS}" DISCOVERY_TIMEOUT 60
                       WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endfunction()

# amity_fuzzer(NAME SOURCES ... DEPS ...): a libFuzzer target (only with AMITY_FUZZ, under clang).
function(amity_fuzzer name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_link_libraries(${name} PRIVATE ${A_DEPS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
endfunction()

# amity_embed(TARGET NAMESPACE FILES ...): compiles files into the binary as
# `std::string_view <namespace>::Get(std::string_view name)` plus a list of names.
function(amity_embed target ns)
  string(REPLACE ";" "|" files "${ARGN}")
  amity_embed_step(${target} ${ns} ARGS -DROOT=${PROJECT_SOURCE_DIR} "-DFILES=${files}" DEPENDS ${ARGN})
endfunction()

# amity_embed_dir(TARGET NAMESPACE DIR STAMP): like amity_embed, for every file under DIR (names
# relative to DIR), found when STAMP (the output of the step that writes DIR) changes: a build
# tool's output whose file names are not known at configure time.
function(amity_embed_dir target ns dir stamp)
  amity_embed_step(${target} ${ns} ARGS -DROOT=${dir} -DDIR=${dir} DEPENDS ${stamp})
endfunction()

# The step both share: cmake/Embed.cmake run with ARGS whenever DEPENDS change, its output a
# static library TARGET.
function(amity_embed_step target ns)
  cmake_parse_arguments(A "" "" "ARGS;DEPENDS" ${ARGN})
  set(out_dir ${PROJECT_BINARY_DIR}/generated/embedded)
  set(out_cc ${out_dir}/${target}.cc)
  set(out_h ${out_dir}/${target}.h)
  add_custom_command(
    OUTPUT ${out_cc} ${out_h}
    COMMAND ${CMAKE_COMMAND} -DOUT_CC=${out_cc} -DOUT_H=${out_h} -DNS=${ns} -DHDR=${target}.h
            ${A_ARGS} -P ${PROJECT_SOURCE_DIR}/cmake/Embed.cmake
    VERBATIM
    DEPENDS ${A_DEPENDS} ${PROJECT_SOURCE_DIR}/cmake/Embed.cmake
    COMMENT "Embedding into ${target}")
  add_library(${target} STATIC ${out_cc})
  target_include_directories(${target} PUBLIC ${PROJECT_BINARY_DIR}/generated)
endfunction()
