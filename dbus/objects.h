// The exported objects. Thin: each method converts D-Bus values, calls the control
// API (agent/daemon/control.h) or a read view (agent/daemon/describe.h), and turns a
// ControlError into a named D-Bus error. They register in the constructor and
// unregister in the destructor (sdbus-c++'s two-step registration), and are neither
// copyable nor movable. InterfacesAdded/Removed are the Service's job.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <map>
#include <string>
#include <vector>

#include "agent/daemon/control.h"
#include "agent/daemon/describe.h"
#include "glue/bridge1_adaptor.h"
#include "glue/manager1_adaptor.h"
#include "glue/vlan1_adaptor.h"

namespace mcs::dbus {

using FilterRuleTuple = sdbus::Struct<std::string, std::string, uint8_t, std::string>;

// Refuses the method call being processed on `obj` with org.mcsnoopd.Error.AccessDenied
// unless its sender may change the daemon's state (daemon::mayChangeState: root or the
// group "mcsnoopd", the rule of the bus policy, applied again here for buses without
// it). Every method annotated org.mcsnoopd.Privileged in the XML starts with it
// (tests/dbus/test_authz.py calls each of them on a bus without the policy).
void requirePrivileged(const sdbus::IObject& obj);

// The write methods Bridge1 and Vlan1 share, for one scope; all privileged.
class ScopeMethods {
public:
    ScopeMethods(daemon::Control& c, daemon::Scope s, const sdbus::IObject& obj)
        : control_(c), scope_(std::move(s)), object_(obj) {}
    void setSnooping(bool on);
    void setImmediateLeave(bool on);
    void setFilter(const std::vector<FilterRuleTuple>& rules);
    void setMaxGroups(uint32_t limit, const std::string& action);
    void setQuerier(const std::map<std::string, sdbus::Variant>& settings);
    void addStaticGroup(const std::string& group, const std::string& source, const std::string& port);
    void removeStaticGroup(const std::string& group, const std::string& source, const std::string& port);
    void addMrouterPort(const std::string& port);
    void removeMrouterPort(const std::string& port);
    void flushGroups();
    void resetOverrides();

private:
    daemon::Control& control_;
    daemon::Scope scope_;
    const sdbus::IObject& object_;
};

class ManagerObject final
    : public sdbus::AdaptorInterfaces<org::mcsnoopd::Manager1_adaptor, sdbus::ObjectManager_adaptor,
                                      sdbus::Properties_adaptor> {
public:
    ManagerObject(sdbus::IConnection& conn, daemon::Control& control);
    ~ManagerObject();
    ManagerObject(const ManagerObject&) = delete;
    ManagerObject& operator=(const ManagerObject&) = delete;

private:
    std::vector<sdbus::Struct<int32_t, std::string, sdbus::ObjectPath>> ListBridges() override;
    sdbus::ObjectPath GetBridgeByName(const std::string& name) override;
    sdbus::ObjectPath GetVlan(const std::string& bridge, const uint16_t& vid) override;
    std::string Describe() override;
    void Reload(const bool& keep_overrides) override;
    void TopologyChanged(const std::string& bridge, const std::vector<uint16_t>& vlans) override;
    std::string Version() override;

    daemon::Control& control_;
};

class BridgeObject final
    : public sdbus::AdaptorInterfaces<org::mcsnoopd::Bridge1_adaptor, sdbus::ManagedObject_adaptor,
                                      sdbus::Properties_adaptor> {
public:
    BridgeObject(sdbus::IConnection& conn, daemon::Control& control, std::string name, mcs::IfIndex ifindex);
    ~BridgeObject();
    BridgeObject(const BridgeObject&) = delete;
    BridgeObject& operator=(const BridgeObject&) = delete;

    // Emits PropertiesChanged for what differs from the last call.
    void refresh();
    const daemon::BridgeProperties& last() const { return last_; }

private:
    daemon::BridgeRuntime& runtime() const;
    daemon::BridgeProperties current() const;

    std::string Describe() override;
    void SetSnooping(const bool& enabled) override { ops_.setSnooping(enabled); }
    void SetImmediateLeave(const bool& enabled) override { ops_.setImmediateLeave(enabled); }
    void SetFilter(const std::vector<FilterRuleTuple>& rules) override { ops_.setFilter(rules); }
    void SetMaxGroups(const uint32_t& limit, const std::string& action) override { ops_.setMaxGroups(limit, action); }
    void SetQuerier(const std::map<std::string, sdbus::Variant>& s) override { ops_.setQuerier(s); }
    void AddStaticGroup(const std::string& g, const std::string& s, const std::string& p) override {
        ops_.addStaticGroup(g, s, p);
    }
    void RemoveStaticGroup(const std::string& g, const std::string& s, const std::string& p) override {
        ops_.removeStaticGroup(g, s, p);
    }
    void AddMrouterPort(const std::string& port) override { ops_.addMrouterPort(port); }
    void RemoveMrouterPort(const std::string& port) override { ops_.removeMrouterPort(port); }
    void FlushGroups() override { ops_.flushGroups(); }
    void ResetOverrides() override { ops_.resetOverrides(); }

    std::string Name() override { return name_; }
    int32_t IfIndex() override { return ifindex_.value; }
    std::vector<uint16_t> Vlans() override;
    std::vector<sdbus::Struct<int32_t, std::string, bool, std::string>> Ports() override;
    std::vector<std::string> Overrides() override;
    std::map<std::string, uint64_t> Counters() override;

    daemon::Control& control_;
    std::string name_;
    mcs::IfIndex ifindex_;
    ScopeMethods ops_;
    daemon::BridgeProperties last_;
};

class VlanObject final
    : public sdbus::AdaptorInterfaces<org::mcsnoopd::Vlan1_adaptor, sdbus::ManagedObject_adaptor,
                                      sdbus::Properties_adaptor> {
public:
    VlanObject(sdbus::IConnection& conn, daemon::Control& control, std::string bridge, mcs::VlanId vid);
    ~VlanObject();
    VlanObject(const VlanObject&) = delete;
    VlanObject& operator=(const VlanObject&) = delete;

    void refresh();

private:
    const daemon::BridgeRuntime* runtime() const;
    daemon::VlanProperties current() const;

    std::string Describe() override;
    std::vector<sdbus::Struct<std::string, std::string, std::string, std::string, uint64_t, std::string,
                              std::vector<sdbus::Struct<std::string, uint64_t, bool>>>>
    GetGroups() override;
    std::vector<sdbus::Struct<std::string, std::string, std::string, uint64_t>> GetMrouterPorts() override;
    std::map<std::string, sdbus::Variant> GetQuerier(const std::string& family) override;
    void SetSnooping(const bool& enabled) override { ops_.setSnooping(enabled); }
    void SetImmediateLeave(const bool& enabled) override { ops_.setImmediateLeave(enabled); }
    void SetFilter(const std::vector<FilterRuleTuple>& rules) override { ops_.setFilter(rules); }
    void SetMaxGroups(const uint32_t& limit, const std::string& action) override { ops_.setMaxGroups(limit, action); }
    void SetQuerier(const std::map<std::string, sdbus::Variant>& s) override { ops_.setQuerier(s); }
    void AddStaticGroup(const std::string& g, const std::string& s, const std::string& p) override {
        ops_.addStaticGroup(g, s, p);
    }
    void RemoveStaticGroup(const std::string& g, const std::string& s, const std::string& p) override {
        ops_.removeStaticGroup(g, s, p);
    }
    void AddMrouterPort(const std::string& port) override { ops_.addMrouterPort(port); }
    void RemoveMrouterPort(const std::string& port) override { ops_.removeMrouterPort(port); }
    void FlushGroups() override { ops_.flushGroups(); }
    void ResetOverrides() override { ops_.resetOverrides(); }

    std::string Bridge() override { return bridge_; }
    uint16_t VlanId() override { return vid_.value; }
    bool Snooping() override;
    bool ImmediateLeave() override;
    sdbus::Struct<uint32_t, std::string> MaxGroups() override;
    std::vector<FilterRuleTuple> Filter() override;
    std::vector<sdbus::Struct<std::string, std::string, std::string, std::string>> StaticGroups() override;
    std::vector<sdbus::Struct<std::string, std::string>> StaticMrouterPorts() override;
    uint32_t GroupCount() override;
    std::vector<sdbus::Struct<std::string, std::string>> MrouterPorts() override;
    sdbus::Struct<std::string, std::string, std::string, bool, std::string> IgmpQuerier() override;
    sdbus::Struct<std::string, std::string, std::string, bool, std::string> MldQuerier() override;
    std::vector<std::string> Overrides() override;
    std::map<std::string, uint64_t> Counters() override;

    daemon::Control& control_;
    std::string bridge_;
    mcs::VlanId vid_;
    ScopeMethods ops_;
    daemon::VlanProperties last_;
};

}  // namespace mcs::dbus
