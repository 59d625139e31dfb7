# Cross build for 64-bit Windows with Debian's mingw-w64; ctest runs the .exe files under Wine.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(GREET_MINGW_PREFIX x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${GREET_MINGW_PREFIX}-gcc-posix)
set(CMAKE_CXX_COMPILER ${GREET_MINGW_PREFIX}-g++-posix)
set(CMAKE_RC_COMPILER ${GREET_MINGW_PREFIX}-windres)
set(CMAKE_FIND_ROOT_PATH /usr/${GREET_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Static runtime: the test binaries then run under Wine without copying mingw DLLs around.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")
# The same for zlib (libz-mingw-w64-dev has libz.a beside libz.dll.a): no zlib1.dll to ship.
set(ZLIB_USE_STATIC_LIBS ON)
find_program(GREET_WINE NAMES wine64 wine)
find_program(GREET_WINESERVER NAMES wineserver)
if(GREET_WINE AND GREET_WINESERVER)
    # The build's own Wine prefix, whatever runs the tests (ctest, the preset, a bare command):
    # runs stay hermetic and never touch ~/.wine. Gecko and Mono are not needed and would only
    # slow the prefix's first creation (done by the first test discovery). Debug output off.
    # wine-run.sh keeps one wineserver alive across the run's many short Wine processes.
    set(GREET_WINEPREFIX "${CMAKE_BINARY_DIR}/wineprefix")
    set(CMAKE_CROSSCOMPILING_EMULATOR
        "${CMAKE_COMMAND}" -E env "WINEPREFIX=${GREET_WINEPREFIX}" "WINEDEBUG=-all"
        "WINEDLLOVERRIDES=mscoree,mshtml=" "GREET_WINE=${GREET_WINE}"
        "GREET_WINESERVER=${GREET_WINESERVER}" sh "${CMAKE_CURRENT_LIST_DIR}/wine-run.sh")
endif()
