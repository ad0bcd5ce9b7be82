# mcs_wire: pure packet codecs (included from agent/CMakeLists.txt).
add_library(mcs_wire STATIC
  wire/addresses.cc
  wire/bpdu.cc
  wire/build_membership.cc
  wire/build_router.cc
  wire/checksum.cc
  wire/decode.cc
  wire/drop_reason.cc
  wire/encap.cc
  wire/ethernet.cc
  wire/float_code.cc
  wire/igmp.cc
  wire/ipv4.cc
  wire/ipv6.cc
  wire/mld.cc
  wire/mrd.cc
  wire/names.cc
  wire/pim.cc
  wire/records.cc
)
target_link_libraries(mcs_wire PUBLIC mcs_base)
