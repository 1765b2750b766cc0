# Precompiled headers: the standard library and the third-party headers that lskd's files include are parsed once
# per target instead of once per file; most of a file's compile time was that parsing (docs/install.md, "Build
# time"). Only headers from outside the project go in, so editing an lskd header rebuilds what it did before.
# -DLSKD_PCH=OFF builds without them, which shows a file that forgot one of its own includes.
option(LSKD_PCH "Precompile the standard and third-party headers of each target" ON)

set(LSKD_PCH_COMMON
    <algorithm> <array> <cmath> <cstddef> <cstdint> <cstring> <filesystem> <fstream> <functional> <map> <memory>
    <optional> <set> <span> <sstream> <string> <string_view> <unordered_map> <utility> <vector> <fmt/format.h>)

# Precompiles the common headers and the given third-party ones (each reachable through the target's links) for
# target, and records them, so that a target built on it (lskd_precompile_like) can precompile the same.
function(lskd_precompile target)
  set_property(TARGET ${target} PROPERTY LSKD_PCH_HEADERS ${ARGN})
  get_target_property(kind ${target} TYPE)
  if(LSKD_PCH AND NOT kind STREQUAL "INTERFACE_LIBRARY")
    target_precompile_headers(${target} PRIVATE ${LSKD_PCH_COMMON} ${ARGN})
  endif()
endfunction()

# Precompiles for target what lskd_precompile gave library, and the extra headers given.
function(lskd_precompile_like target library)
  get_target_property(headers ${library} LSKD_PCH_HEADERS)
  if(NOT headers)
    set(headers)
  endif()
  lskd_precompile(${target} ${headers} ${ARGN})
endfunction()
