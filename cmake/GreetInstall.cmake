# What `cmake --install` puts where: the program, libgreet with its public headers, the CMake
# package (find_package(greet CONFIG) -> greet::greet), greet.pc, the man page, the bash, zsh
# and PowerShell completions and the documents. GNU layout on every OS, so the Windows .zip
# looks the same.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(GREET_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/greet")

install(TARGETS greet_cli RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(TARGETS greet EXPORT greetTargets
    RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}"
    LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
    ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
install(DIRECTORY include/greet DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
    FILES_MATCHING PATTERN "*.h")
install(FILES "${PROJECT_BINARY_DIR}/include/greet/version.h"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/greet")

# The exported targets refer to the system libraries the platform layer links; the config file
# finds them again on the consumer's machine.
install(EXPORT greetTargets NAMESPACE greet:: DESTINATION "${GREET_CMAKE_DIR}")
configure_package_config_file(cmake/greetConfig.cmake.in
    "${PROJECT_BINARY_DIR}/greetConfig.cmake" INSTALL_DESTINATION "${GREET_CMAKE_DIR}")
# 0.x releases may break the API in a minor release, so only the same minor version matches.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/greetConfigVersion.cmake"
    COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/greetConfig.cmake"
    "${PROJECT_BINARY_DIR}/greetConfigVersion.cmake" DESTINATION "${GREET_CMAKE_DIR}")

# pkg-config: the system libraries go to Libs.private (use `pkg-config --static` with the
# default static libgreet); a shared build also needs GREET_SHARED for dllimport on Windows.
set(GREET_PC_LIBS_PRIVATE "")
set(GREET_PC_REQUIRES_PRIVATE "")
foreach(lib IN LISTS GREET_PLATFORM_LIBS)
    if(lib STREQUAL "Threads::Threads")
        string(APPEND GREET_PC_LIBS_PRIVATE " -lpthread")
    elseif(lib MATCHES "^OpenSSL::")
        set(GREET_PC_REQUIRES_PRIVATE "libssl libcrypto")
    else()
        string(APPEND GREET_PC_LIBS_PRIVATE " -l${lib}")
    endif()
endforeach()
set(GREET_PC_CFLAGS "")
if(BUILD_SHARED_LIBS)
    set(GREET_PC_CFLAGS " -DGREET_SHARED")
endif()
# The .pc file finds its prefix from its own place, so `cmake --install --prefix` anywhere works.
file(RELATIVE_PATH GREET_PC_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
string(REGEX REPLACE "/$" "" GREET_PC_PREFIX "${GREET_PC_PREFIX}")
configure_file(cmake/greet.pc.in "${PROJECT_BINARY_DIR}/greet.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/greet.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")

install(FILES docs/greet.1 DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
install(FILES completions/greet.bash DESTINATION "${CMAKE_INSTALL_DATADIR}/bash-completion/completions"
    RENAME greet)
install(FILES completions/_greet DESTINATION "${CMAKE_INSTALL_DATADIR}/zsh/site-functions")
# PowerShell has no system-wide completion folder: users dot-source the file from their profile.
install(FILES completions/greet.ps1 DESTINATION "${CMAKE_INSTALL_DATADIR}/greet")
install(FILES README.md LICENSE CHANGELOG.md DESTINATION "${CMAKE_INSTALL_DOCDIR}")
