# CPack: Debian packages on Linux (`cpack -G DEB` in a build configured with the `deb` preset)
# and a .zip for Windows builds. The install components of GreetInstall.cmake become the
# packages greet, libgreet0 and libgreet-dev; the .zip holds them all.
set(CPACK_PACKAGE_NAME greet)
set(CPACK_PACKAGE_VENDOR "The greet authors")
set(CPACK_PACKAGE_CONTACT "${GREET_PACKAGE_CONTACT}")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_RESOURCE_FILE_README "${PROJECT_SOURCE_DIR}/README.md")
set(CPACK_PACKAGE_DIRECTORY "${PROJECT_BINARY_DIR}/packages")
set(CPACK_STRIP_FILES ON)

if(WIN32)
    set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
    set(CPACK_GENERATOR ZIP)
    set(CPACK_SYSTEM_NAME win64)
else()
    set(CPACK_GENERATOR DEB)
    set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
    set(CPACK_DEB_COMPONENT_INSTALL ON)
    set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
    set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
    # Runtime dependencies (libc6, libssl3, ...) computed by dpkg-shlibdeps from the binaries.
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
    # Empty on purpose: CPackDeb would put a common summary above each package's own.
    set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")

    set(CPACK_DEBIAN_PROGRAM_PACKAGE_NAME greet)
    set(CPACK_DEBIAN_PROGRAM_PACKAGE_SECTION net)
    set(CPACK_DEBIAN_PROGRAM_DESCRIPTION "portable greeting server, its client and an HTTP downloader
greet is a small socket toolkit that turns the three programs of a Python
socket tutorial into real software:
 - greet server: a TCP greeting server (thread per connection, line and
   raw mode, client limits, idle timeouts, clean stop), also as a systemd
   service with socket activation (greet.socket, not enabled);
 - greet client: its client, which also talks to the tutorial's server;
 - greet fetch: a streaming HTTP/1.1 and HTTPS download with redirects,
   timeouts and atomic output files.
")

    set(CPACK_DEBIAN_LIBRARY_PACKAGE_NAME "${GREET_SONAME_PACKAGE}")
    set(CPACK_DEBIAN_LIBRARY_PACKAGE_SECTION libs)
    # The shlibs control file (CPackDeb makes it for every package with a shared library: here
    # only libgreet0) lets dpkg-shlibdeps give programs linked to libgreet the right Depends.
    set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
    set(CPACK_DEBIAN_LIBRARY_DESCRIPTION "portable C socket toolkit library
libgreet is the C11 library under the greet program: a greeting server
and client, an HTTP/1.1 and HTTPS download, URL and HTTP parsers, and one
error model with the operating system's detail. The same API works on
Linux and Windows.
.
This package contains the shared library.")

    set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME libgreet-dev)
    set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
    set(CPACK_COMPONENT_DEVELOPMENT_DEPENDS library)
    set(CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION "portable C socket toolkit library - development files
libgreet is the C11 library under the greet program: a greeting server
and client, an HTTP/1.1 and HTTPS download, URL and HTTP parsers, and one
error model with the operating system's detail. The same API works on
Linux and Windows.
.
This package contains the headers, the CMake package (find_package(greet)
gives greet::greet) and the pkg-config file greet.pc.")

    if(BUILD_SHARED_LIBS)
        # The program runs on the shared libgreet: dpkg-shlibdeps finds it in the build tree;
        # greet's Depends on libgreet0 comes from CPack's component dependency below.
        set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${PROJECT_BINARY_DIR}/src")
        set(CPACK_COMPONENT_PROGRAM_DEPENDS library)
        # CPackDeb (3.25) calls ldconfig from postinst and postrm; Debian uses dpkg's ldconfig
        # trigger instead, so the library package gets the trigger and no maintainer scripts.
        set(CPACK_DEBIAN_LIBRARY_PACKAGE_CONTROL_EXTRA "${PROJECT_SOURCE_DIR}/packaging/debian/triggers")
        set(CPACK_POST_BUILD_SCRIPTS "${PROJECT_SOURCE_DIR}/cmake/GreetDebDropLdconfig.cmake")
    else()
        # A static libgreet lives in libgreet-dev; there is no shared library to package.
        set(CPACK_COMPONENTS_ALL program development)
        unset(CPACK_COMPONENT_DEVELOPMENT_DEPENDS)
    endif()
endif()

include(CPack)
