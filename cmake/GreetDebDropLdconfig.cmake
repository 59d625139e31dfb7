# CPack post-build script (CPACK_POST_BUILD_SCRIPTS): CPackDeb of CMake 3.25 writes postinst and
# postrm scripts that call ldconfig into every package with a shared library in /usr/lib.
# Debian runs ldconfig through dpkg's trigger instead (packaging/debian/triggers, which the
# library package carries), and lintian rejects the scripts (maintscript-calls-ldconfig), so
# they are taken out of the built .deb again: unpack, drop them, repack.
foreach(deb IN LISTS CPACK_PACKAGE_FILES)
    if(NOT deb MATCHES "\\.deb$")
        continue()
    endif()
    set(tree "${deb}.tree")
    file(REMOVE_RECURSE "${tree}")
    execute_process(COMMAND dpkg-deb -R "${deb}" "${tree}" COMMAND_ERROR_IS_FATAL ANY)
    if(EXISTS "${tree}/DEBIAN/triggers")
        file(REMOVE "${tree}/DEBIAN/postinst" "${tree}/DEBIAN/postrm")
        execute_process(COMMAND dpkg-deb --root-owner-group -Zxz -b "${tree}" "${deb}"
                        OUTPUT_QUIET COMMAND_ERROR_IS_FATAL ANY)
    endif()
    file(REMOVE_RECURSE "${tree}")
endforeach()
