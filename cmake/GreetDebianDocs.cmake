# The documents Debian wants in every package (included by GreetInstall.cmake where gzip exists):
#   /usr/share/doc/PACKAGE/copyright     machine-readable copyright format 1.0, made from LICENSE
#   /usr/share/doc/PACKAGE/changelog.gz  the Debian changelog of a native package
# plus the man page, compressed. gzip -9n: maximal compression and no time stamp or name in the
# header, so the files are the same on every build (lintian checks both).

# The Debian changelog's one entry carries the release date from CHANGELOG.md, whose section for
# this version is the single source; RFC 5322 dates need the day of the week (Zeller's rule).
file(STRINGS CHANGELOG.md GREET_RELEASE_LINE
    REGEX "^## \\[${PROJECT_VERSION}\\] - [0-9]+-[0-9]+-[0-9]+$")
if(NOT GREET_RELEASE_LINE MATCHES "([0-9]+)-([0-9]+)-([0-9]+)$")
    message(FATAL_ERROR "CHANGELOG.md has no '## [${PROJECT_VERSION}] - YYYY-MM-DD' section")
endif()
math(EXPR y "${CMAKE_MATCH_1}")
math(EXPR month "${CMAKE_MATCH_2}")
math(EXPR day "${CMAKE_MATCH_3}")
set(m ${month})
if(m LESS 3)
    math(EXPR m "${m} + 12")
    math(EXPR y "${y} - 1")
endif()
math(EXPR weekday "(${day} + 13 * (${m} + 1) / 5 + ${y} + ${y} / 4 - ${y} / 100 + ${y} / 400) % 7")
set(names Sat Sun Mon Tue Wed Thu Fri)
list(GET names ${weekday} weekday)
set(names Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec)
math(EXPR month "${month} - 1")
list(GET names ${month} month)
set(GREET_RELEASE_DATE "${weekday}, ${day} ${month} ${CMAKE_MATCH_1} 00:00:00 +0000")

# LICENSE as a copyright file's License paragraph: the text after the title and the copyright
# line, every line indented, empty ones as " ." (LICENSE has no ';' to upset CMake's lists).
file(READ LICENSE license)
string(REGEX MATCH "Copyright \\(c\\) ([^\n]+)" _ "${license}")
set(GREET_COPYRIGHT_LINE "${CMAKE_MATCH_1}")
string(REGEX REPLACE "^.*Copyright \\(c\\) [^\n]+\n+" "" license "${license}")
string(STRIP "${license}" license)
string(REPLACE "\n" ";" license_lines "${license}")
set(GREET_LICENSE_TEXT "")
foreach(line IN LISTS license_lines)
    if(line STREQUAL "")
        set(line ".")
    endif()
    string(APPEND GREET_LICENSE_TEXT " ${line}\n")
endforeach()
string(REGEX REPLACE "\n$" "" GREET_LICENSE_TEXT "${GREET_LICENSE_TEXT}")
set(doc_out "${PROJECT_BINARY_DIR}/debian-docs")
configure_file(packaging/debian/copyright.in "${doc_out}/copyright" @ONLY)
configure_file(packaging/debian/changelog.in "${doc_out}/changelog" @ONLY)

add_custom_command(OUTPUT "${doc_out}/changelog.gz" "${doc_out}/greet.1.gz"
    COMMAND "${GREET_GZIP}" -9nc "${doc_out}/changelog" > "${doc_out}/changelog.gz"
    COMMAND "${GREET_GZIP}" -9nc "${PROJECT_SOURCE_DIR}/docs/greet.1" > "${doc_out}/greet.1.gz"
    DEPENDS "${doc_out}/changelog" "${PROJECT_SOURCE_DIR}/docs/greet.1"
    COMMENT "Compressing the man page and the Debian changelog")
add_custom_target(greet_debian_docs ALL DEPENDS "${doc_out}/changelog.gz" "${doc_out}/greet.1.gz")

install(FILES "${doc_out}/greet.1.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1" COMPONENT program)
install(FILES README.md CHANGELOG.md DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/doc/greet"
    COMPONENT program)
foreach(component_package IN ITEMS "program|greet" "library|${GREET_SONAME_PACKAGE}"
                                   "development|libgreet-dev")
    string(REPLACE "|" ";" component_package "${component_package}")
    list(GET component_package 0 component)
    list(GET component_package 1 package)
    install(FILES "${doc_out}/copyright" "${doc_out}/changelog.gz"
        DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/doc/${package}" COMPONENT ${component})
endforeach()
