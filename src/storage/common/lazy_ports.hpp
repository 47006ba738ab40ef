#pragma once

#include <memory>

#include "store_api/store.hpp"

namespace dialtrack::storage {

/// Makes a backend's port on one of its connections, for a transaction of a mode.
template <typename Port, typename Connection>
using MakePort = std::unique_ptr<Port> (*)(Connection&, store_api::TxMode);

/// The base of a backend's port `Port`: the port on a transaction's connection `c_`, which
/// outlives it.
template <typename Port, typename Connection>
class PortOn : public Port {
 public:
  explicit PortOn(Connection& connection) : c_(connection) {}

 protected:
  Connection& c_;
};

/// How a backend makes each of its ports (each port's file of the backend has its function).
template <typename Connection>
struct PortFactories {
  MakePort<store_api::TaskStore, Connection> tasks;
  MakePort<store_api::LeadStore, Connection> leads;
  MakePort<store_api::RecordStore, Connection> records;
  MakePort<store_api::ReportStore, Connection> reports;
  MakePort<store_api::OutboxStore, Connection> outbox;
  MakePort<store_api::CursorStore, Connection> cursors;
  MakePort<store_api::LeaseStore, Connection> leases;
};

/// A transaction's ports, all on its one connection, each made when the transaction first asks
/// for it: most transactions touch one to three of the seven. How the transaction begins and
/// ends (`commit()` and the destructor) is the backend's.
template <typename Connection>
class LazyPortsTransaction : public store_api::Transaction {
 public:
  store_api::TaskStore& tasks() final { return port(tasks_, make_.tasks); }
  store_api::LeadStore& leads() final { return port(leads_, make_.leads); }
  store_api::RecordStore& records() final { return port(records_, make_.records); }
  store_api::ReportStore& reports() final { return port(reports_, make_.reports); }
  store_api::OutboxStore& outbox() final { return port(outbox_, make_.outbox); }
  store_api::CursorStore& cursors() final { return port(cursors_, make_.cursors); }
  store_api::LeaseStore& leases() final { return port(leases_, make_.leases); }

 protected:
  /// Ports that `make` (which must outlive the transaction) makes on `connection`.
  LazyPortsTransaction(const PortFactories<Connection>& make, Connection& connection,
                       store_api::TxMode mode)
      : make_(make), connection_(connection), mode_(mode) {}
  ~LazyPortsTransaction() override = default;

 private:
  template <typename Port>
  Port& port(std::unique_ptr<Port>& made, MakePort<Port, Connection> make) {
    if (!made) {
      made = make(connection_, mode_);
    }
    return *made;
  }

  const PortFactories<Connection>& make_;
  Connection& connection_;
  store_api::TxMode mode_;
  std::unique_ptr<store_api::TaskStore> tasks_;
  std::unique_ptr<store_api::LeadStore> leads_;
  std::unique_ptr<store_api::RecordStore> records_;
  std::unique_ptr<store_api::ReportStore> reports_;
  std::unique_ptr<store_api::OutboxStore> outbox_;
  std::unique_ptr<store_api::CursorStore> cursors_;
  std::unique_ptr<store_api::LeaseStore> leases_;
};

}  // namespace dialtrack::storage
