# Installing lskd and packaging it as a .deb: `cmake --install build --prefix P` puts the binary in P/bin, the
# plot tool, the export script and the shipped configs in P/share/lskd, the docs in P/share/doc/lskd and the man
# page in P/share/man/man1; `cd build && cpack -G DEB` builds lskd_<version>_<arch>.deb with prefix /usr.
# The installed lskd finds P/share/lskd from its own path (framework/runtime/install_paths.hpp).
include(GNUInstallDirs)

# A binary in the build tree falls back to its source tree for the shipped files.
set_source_files_properties(${PROJECT_SOURCE_DIR}/framework/runtime/install_paths.cpp
                            PROPERTIES COMPILE_DEFINITIONS LSKD_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

set(LSKD_SHARE_DIR ${CMAKE_INSTALL_DATADIR}/lskd)
set(LSKD_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/lskd)

if(TARGET lskd)
  install(TARGETS lskd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
# The same folder mapping as install_paths.cpp: share/lskd/{plot,python,configs} ← tools/plot, tools/python, configs.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/tools/plot/ DESTINATION ${LSKD_SHARE_DIR}/plot
        USE_SOURCE_PERMISSIONS FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
if(EXISTS ${PROJECT_SOURCE_DIR}/tools/python)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/tools/python/ DESTINATION ${LSKD_SHARE_DIR}/python
          USE_SOURCE_PERMISSIONS FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/configs/ DESTINATION ${LSKD_SHARE_DIR}/configs
        FILES_MATCHING PATTERN "*.yaml" PATTERN "*.md")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${LSKD_DOC_DIR} FILES_MATCHING PATTERN "*.md")
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${LSKD_DOC_DIR})

# The man page is lskd --help as help2man renders it, with each subcommand's --help as a section (man_subcommands.sh),
# regenerated whenever lskd is rebuilt.
find_program(LSKD_HELP2MAN help2man)
find_program(LSKD_GZIP gzip)
if(TARGET lskd AND LSKD_HELP2MAN AND LSKD_GZIP)
  set(man ${PROJECT_BINARY_DIR}/man/lskd.1)
  add_custom_command(
    OUTPUT ${man}.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
    COMMAND bash ${PROJECT_SOURCE_DIR}/cmake/man_subcommands.sh $<TARGET_FILE:lskd> ${man}.sections
    COMMAND ${LSKD_HELP2MAN} --no-info --no-discard-stderr --version-string=${PROJECT_VERSION} --include ${man}.sections
            --name "label smoothing and knowledge distillation experiments" --output ${man} $<TARGET_FILE:lskd>
    COMMAND ${LSKD_GZIP} -9nf ${man}
    DEPENDS lskd ${PROJECT_SOURCE_DIR}/cmake/man_subcommands.sh
    COMMENT "Generating the lskd man page with help2man")
  add_custom_target(lskd_man ALL DEPENDS ${man}.gz)
  install(FILES ${man}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
elseif(TARGET lskd)
  message(WARNING "help2man or gzip not found: no man page (setup.sh installs help2man)")
endif()

# The .deb: runtime Depends are the Debian packages of every library lskd links (readelf -d; dpkg -S on each),
# plus the Python stack of the plot tool; tests/package/test_install.sh checks the list against the binary. lskd
# links Open MPI (libopenmpi3); mpirun itself (openmpi-bin) is needed only to launch it on several ranks.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME lskd)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "lskd")
set(CPACK_PACKAGE_CONTACT "lskd maintainers <lskd@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "label smoothing and knowledge distillation experiments (Mueller et al. 2019)")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libc6, libgcc-s1, libstdc++6 (>= 12), libgomp1, zlib1g, libisal2, libdnnl2, libtbb12, libhdf5-103-1, libyaml-cpp0.7, \
libfmt9, libsentencepiece0, libopenmpi3, libjpeg62-turbo, libpng16-16, python3, python3-numpy, python3-matplotlib, python3-h5py")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "python3-torch, python3-onnx, openmpi-bin")
include(CPack)
