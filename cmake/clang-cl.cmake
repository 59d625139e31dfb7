# The clang-cl gate's toolchain (.ci/clang-cl): compiles what the msvc preset compiles with
# clang-cl in MSVC mode (/W4 /WX from GreetWarnings.cmake, /std:c11 from CMAKE_C_STANDARD),
# against the mingw-w64 headers because no Windows SDK is installed here. Compile only: there
# are no MSVC libraries to link with, so try_compile builds static libraries.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)
find_program(GREET_CLANG_CL NAMES clang-cl-14 clang-cl REQUIRED)
find_program(GREET_LLVM_LIB NAMES llvm-lib-14 llvm-lib REQUIRED)
find_program(GREET_LLVM_RC NAMES llvm-rc-14 llvm-rc REQUIRED)
find_program(GREET_LLD_LINK NAMES lld-link-14 lld-link REQUIRED)
set(CMAKE_C_COMPILER "${GREET_CLANG_CL}")
set(CMAKE_C_COMPILER_TARGET x86_64-pc-windows-msvc)
set(CMAKE_AR "${GREET_LLVM_LIB}")
set(CMAKE_RC_COMPILER "${GREET_LLVM_RC}")
set(CMAKE_LINKER "${GREET_LLD_LINK}")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(GREET_MINGW_INCLUDE /usr/share/mingw-w64/include)
set(CMAKE_C_FLAGS_INIT "/imsvc ${GREET_MINGW_INCLUDE} /FI${CMAKE_CURRENT_LIST_DIR}/clang-cl-mingw.h")
set(CMAKE_RC_FLAGS_INIT "-I ${GREET_MINGW_INCLUDE}")
