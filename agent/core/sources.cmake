# mcs_core: the pure snooping core (sans-I/O). Included from agent/CMakeLists.txt.
add_library(mcs_core STATIC
  ${CMAKE_CURRENT_LIST_DIR}/counters.cc
  ${CMAKE_CURRENT_LIST_DIR}/deadline_heap.cc
  ${CMAKE_CURRENT_LIST_DIR}/group_state.cc
  ${CMAKE_CURRENT_LIST_DIR}/host_table.cc
  ${CMAKE_CURRENT_LIST_DIR}/kernel_form.cc
  ${CMAKE_CURRENT_LIST_DIR}/mrouter_ports.cc
  ${CMAKE_CURRENT_LIST_DIR}/names.cc
  ${CMAKE_CURRENT_LIST_DIR}/policy.cc
  ${CMAKE_CURRENT_LIST_DIR}/snooper.cc
  ${CMAKE_CURRENT_LIST_DIR}/snooper_groups.cc
  ${CMAKE_CURRENT_LIST_DIR}/snooper_rx.cc
)
target_include_directories(mcs_core PUBLIC ${CMAKE_SOURCE_DIR})
target_link_libraries(mcs_core PUBLIC mcs_base)
# The core only uses the plain types of agent/wire/message.h; link the codecs when
# they exist so users of mcs_core get wire::to_string and friends too.
if(TARGET mcs_wire)
  target_link_libraries(mcs_core PUBLIC mcs_wire)
endif()
