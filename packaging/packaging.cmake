# The Debian package: `cpack` in the release build directory (build/) writes
# dialtrack_VERSION_ARCH.deb with the program, the systemd unit, the default config (a conffile)
# and the maintainer scripts of packaging/. Depends comes from dpkg-shlibdeps.
include(GNUInstallDirs)

install(TARGETS dialtrack RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_CURRENT_LIST_DIR}/dialtrack.service DESTINATION lib/systemd/system)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/dialtrack.toml DESTINATION /etc/dialtrack)
install(FILES README.md docs/operations.md docs/configuration.md docs/api.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME dialtrack)
set(CPACK_PACKAGE_VENDOR dialtrack)
set(CPACK_PACKAGE_CONTACT "dialtrack maintainers <dialtrack@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "tracks outbound call tasks and completes them when every phone is connected")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# adduser and init-system-helpers (deb-systemd-helper) are used by the maintainer scripts.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, init-system-helpers")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${CMAKE_CURRENT_LIST_DIR}/postinst
  ${CMAKE_CURRENT_LIST_DIR}/prerm
  ${CMAKE_CURRENT_LIST_DIR}/postrm
  ${CMAKE_CURRENT_LIST_DIR}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
