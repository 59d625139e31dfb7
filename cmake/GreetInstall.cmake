# What `cmake --install` puts where, in three components that become the three Debian packages
# (cmake/GreetPackaging.cmake) and together make the Windows .zip:
#   program      the greet program, its man page, shell completions and systemd units  -> greet
#   library      the shared libgreet (SONAME libgreet.so.0, or greet.dll)             -> libgreet0
#   development  headers, the .so link or the static library, CMake package, greet.pc -> libgreet-dev
# GNU layout on every OS, so the Windows .zip looks the same; with CMAKE_INSTALL_PREFIX=/usr on
# Debian, GNUInstallDirs puts the libraries in the multiarch directory (lib/x86_64-linux-gnu).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(GREET_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/greet")
set(GREET_SONAME_PACKAGE "libgreet${PROJECT_VERSION_MAJOR}")
set(GREET_PACKAGE_CONTACT "greet maintainers <maintainers@greet.invalid>")

install(TARGETS greet_cli RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT program)
install(TARGETS greet EXPORT greetTargets
    RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT library
    LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT library
            NAMELINK_COMPONENT development
    ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT development)
install(DIRECTORY include/greet DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT development
    FILES_MATCHING PATTERN "*.h")
install(FILES "${PROJECT_BINARY_DIR}/include/greet/version.h"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/greet" COMPONENT development)

# The exported targets refer to the system libraries a static libgreet needs; the config file
# finds them again on the consumer's machine.
install(EXPORT greetTargets NAMESPACE greet:: DESTINATION "${GREET_CMAKE_DIR}"
    COMPONENT development)
configure_package_config_file(cmake/greetConfig.cmake.in
    "${PROJECT_BINARY_DIR}/greetConfig.cmake" INSTALL_DESTINATION "${GREET_CMAKE_DIR}")
# 0.x releases may break the API in a minor release, so only the same minor version matches.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/greetConfigVersion.cmake"
    COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/greetConfig.cmake"
    "${PROJECT_BINARY_DIR}/greetConfigVersion.cmake" DESTINATION "${GREET_CMAKE_DIR}"
    COMPONENT development)

# pkg-config: a static libgreet needs its system libraries (Libs.private, `pkg-config --static`);
# a shared one brings them itself, so its greet.pc names none and needs no -dev package of them,
# but needs GREET_SHARED for dllimport on Windows.
set(GREET_PC_LIBS_PRIVATE "")
set(GREET_PC_REQUIRES_PRIVATE "")
set(GREET_PC_CFLAGS "")
if(BUILD_SHARED_LIBS)
    set(GREET_PC_CFLAGS " -DGREET_SHARED")
else()
    foreach(lib IN LISTS GREET_PLATFORM_LIBS)
        if(lib STREQUAL "Threads::Threads")
            string(APPEND GREET_PC_LIBS_PRIVATE " -lpthread")
        elseif(lib MATCHES "^OpenSSL::")
            set(GREET_PC_REQUIRES_PRIVATE "libssl libcrypto")
        else()
            string(APPEND GREET_PC_LIBS_PRIVATE " -l${lib}")
        endif()
    endforeach()
    if(GREET_DECODER STREQUAL "zlib")
        string(APPEND GREET_PC_REQUIRES_PRIVATE " zlib")
        string(STRIP "${GREET_PC_REQUIRES_PRIVATE}" GREET_PC_REQUIRES_PRIVATE)
    endif()
endif()
# The .pc file finds its prefix from its own place, so `cmake --install --prefix` anywhere works
# and a cross pkg-config (which searches only lib/<triplet>/pkgconfig) finds the multiarch one.
file(RELATIVE_PATH GREET_PC_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
string(REGEX REPLACE "/$" "" GREET_PC_PREFIX "${GREET_PC_PREFIX}")
configure_file(cmake/greet.pc.in "${PROJECT_BINARY_DIR}/greet.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/greet.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
    COMPONENT development)

# Shell completions (made from the option tables, src/cli/opt_doc.c), where each shell looks:
# zsh's own site-functions, except in a distribution's /usr, whose zsh (Debian's) reads packages'
# completions from vendor-completions; PowerShell has no system-wide folder, so users dot-source
# greet.ps1 from their profile.
install(FILES completions/greet.bash DESTINATION "${CMAKE_INSTALL_DATADIR}/bash-completion/completions"
    RENAME greet COMPONENT program)
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(GREET_ZSH_DIR "${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions")
else()
    set(GREET_ZSH_DIR "${CMAKE_INSTALL_DATADIR}/zsh/site-functions")
endif()
install(FILES completions/_greet DESTINATION "${GREET_ZSH_DIR}" COMPONENT program)
install(FILES completions/greet.ps1 DESTINATION "${CMAKE_INSTALL_DATADIR}/greet" COMPONENT program)

# The systemd units (greet.socket starts greet.service with the socket open): installed, never
# enabled. /usr/lib/systemd/system is where Debian wants them; under /usr/local the same
# lib/systemd/system is on systemd's search path too. Not in the Windows .zip.
if(NOT WIN32)
    configure_file(packaging/systemd/greet.service.in "${PROJECT_BINARY_DIR}/greet.service" @ONLY)
    install(FILES "${PROJECT_BINARY_DIR}/greet.service" packaging/systemd/greet.socket
        DESTINATION "lib/systemd/system" COMPONENT program)
endif()

# Documents. On Debian every package carries /usr/share/doc/PACKAGE/copyright (machine-readable
# format, made from LICENSE) and changelog.gz (a native package's Debian changelog, pointing at
# CHANGELOG.md); man pages and changelogs are compressed with gzip -9n as Debian policy wants.
# Windows gets the man page as it is and a README.txt with the licence at the top of the .zip.
find_program(GREET_GZIP gzip)
if(WIN32 OR NOT GREET_GZIP)
    install(FILES docs/greet.1 DESTINATION "${CMAKE_INSTALL_MANDIR}/man1" COMPONENT program)
    install(FILES README.md LICENSE CHANGELOG.md DESTINATION "${CMAKE_INSTALL_DOCDIR}"
        COMPONENT program)
else()
    include(GreetDebianDocs)
endif()
if(WIN32)
    # Windows line endings throughout, the licence's too, for Notepad on older Windows.
    file(READ LICENSE GREET_LICENSE_RAW)
    file(READ packaging/windows/README.txt.in readme)
    string(CONFIGURE "${readme}" readme @ONLY)
    string(REPLACE "\r\n" "\n" readme "${readme}")
    string(REPLACE "\n" "\r\n" readme "${readme}")
    file(WRITE "${PROJECT_BINARY_DIR}/README.txt" "${readme}")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
        "${PROJECT_SOURCE_DIR}/packaging/windows/README.txt.in" "${PROJECT_SOURCE_DIR}/LICENSE")
    install(FILES "${PROJECT_BINARY_DIR}/README.txt" DESTINATION . COMPONENT program)
endif()
