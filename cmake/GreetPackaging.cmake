# CPack: a .deb on Linux (`cpack -G DEB` in a build dir) and a .zip for Windows builds.
set(CPACK_PACKAGE_NAME greet)
set(CPACK_PACKAGE_VENDOR "The greet authors")
set(CPACK_PACKAGE_CONTACT "greet maintainers <maintainers@greet.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "greet is a portable C11 socket toolkit: the greet program (fetch, server, client) and \
libgreet, a C library with a CMake package and pkg-config file.")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_RESOURCE_FILE_README "${PROJECT_SOURCE_DIR}/README.md")
set(CPACK_PACKAGE_DIRECTORY "${PROJECT_BINARY_DIR}/packages")
set(CPACK_STRIP_FILES ON)

if(WIN32)
    set(CPACK_GENERATOR ZIP)
    set(CPACK_SYSTEM_NAME win64)
else()
    set(CPACK_GENERATOR DEB)
    set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
    set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
    set(CPACK_DEBIAN_PACKAGE_SECTION net)
    # Runtime dependencies (libc6, libssl3, ...) computed by dpkg-shlibdeps from the binaries.
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()

include(CPack)
