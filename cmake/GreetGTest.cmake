# Finds googletest: the system package (Debian: libgtest-dev), then the sources Debian's
# googletest package ships (used for the mingw cross build, which can't link the host's library),
# then FetchContent as the last resort for machines that have neither.
if(NOT CMAKE_CROSSCOMPILING)
    find_package(GTest CONFIG QUIET)
endif()
if(NOT TARGET GTest::gtest_main)
    set(GREET_GTEST_SOURCE_DIR "/usr/src/googletest" CACHE PATH "googletest sources")
    set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
    set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
    set(gtest_force_shared_crt ON CACHE BOOL "" FORCE)
    if(EXISTS "${GREET_GTEST_SOURCE_DIR}/CMakeLists.txt")
        add_subdirectory("${GREET_GTEST_SOURCE_DIR}" "${CMAKE_BINARY_DIR}/_googletest" EXCLUDE_FROM_ALL)
    else()
        include(FetchContent)
        FetchContent_Declare(googletest
            URL https://github.com/google/googletest/archive/refs/tags/v1.14.0.tar.gz)
        FetchContent_MakeAvailable(googletest)
    endif()
    if(NOT TARGET GTest::gtest_main)
        add_library(GTest::gtest_main ALIAS gtest_main)
    endif()
endif()
