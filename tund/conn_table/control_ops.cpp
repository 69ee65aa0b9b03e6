// ConnTable, part 3: the ControlBackend requests.
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "tund/conn_table/conn_table.h"
#include "tund/conn_table/security.h"
#include "tund/control/gate.h"

namespace tund::conn_table {

namespace pc = proto::control;
using control::ClientContext;
using control::OpOutcome;
using control::Outcome;
using control::UniqueFd;
using pc::ConnError;

namespace {

bool is_unspecified(const proto::ip::IpAddress& a) {
  for (uint8_t b : a.bytes())
    if (b != 0) return false;
  return true;
}

tl::unexpected<ConnError> refuse(ConnError e) { return tl::unexpected(e); }

}  // namespace

bool ConnTable::full() const { return conns_.size() + listeners_.size() >= config_.max_connections; }

std::optional<proto::ip::IpAddress> ConnTable::local_address_for(const proto::ip::IpAddress& dst) const {
  for (const auto& a : config_.addresses)
    if (a.family() == dst.family()) return a;
  return std::nullopt;
}

pc::HelloReply ConnTable::hello(const ClientContext&) {
  pc::HelloReply r;
  r.ephemeral_first = config_.ephemeral.first;
  r.ephemeral_last = config_.ephemeral.last;
  r.t_addresses = config_.addresses;
  return r;
}

Outcome<control::ConnectGrant> ConnTable::connect(const ClientContext& client, const pc::Connect& req,
                                                  UniqueFd) {
  if (full()) {
    ++stats_.refused_full;
    return refuse(ConnError::ResourceExhausted);
  }
  if (req.destination.port == 0 || is_unspecified(req.destination.addr))
    return refuse(ConnError::InvalidRequest);
  std::optional<proto::ip::IpAddress> local;
  if (req.local && !is_unspecified(req.local->addr)) {
    if (std::find(config_.addresses.begin(), config_.addresses.end(), req.local->addr) ==
        config_.addresses.end())
      return refuse(ConnError::AddressNotAvailable);
    local = req.local->addr;
  } else {
    local = local_address_for(req.destination.addr);
  }
  if (!local || local->family() != req.destination.addr.family()) return refuse(ConnError::NetUnreachable);
  auto cfg = apply_eno_options(stack_.defaults(), req.options, false);
  if (!cfg) return refuse(cfg.error());
  std::optional<uint16_t> port;
  bool own_rule = false;
  if (req.local && req.local->port != 0) {
    auto bound = bind_local_port(*local, req.local->port);
    if (!bound) return refuse(bound.error());
    port = req.local->port;
    own_rule = *bound;
  } else {
    port = ports_.allocate(*local);
    if (!port) return refuse(ConnError::AddressNotAvailable);
  }

  const auto now = clock_.now();
  proto::tcp::FourTuple tuple{*local, *port, req.destination.addr, req.destination.port};
  auto id = stack_.endpoint().connect(tuple, *cfg, now);
  if (!id) {
    release_local_port(*local, *port, own_rule);
    return refuse(ConnError::ResourceExhausted);
  }
  auto pair = make_carrier_pair();
  auto filler = pair ? control::arm_gate(pair->second.get()) : SysResult<size_t>(tl::unexpected(pair.error()));
  if (!filler) {
    spdlog::warn("connect: {}", filler.error().message());
    ++stats_.carrier_errors;
    stack_.endpoint().remove(*id);
    release_local_port(*local, *port, own_rule);
    return refuse(ConnError::ResourceExhausted);
  }
  Managed m;
  m.token = next_token_++;
  m.id = *id;
  m.active = true;
  m.own_rule = own_rule;
  m.client = client.id;
  m.pid = uint32_t(client.pid);
  m.uid = client.uid;
  m.local = {*local, *port};
  m.remote = req.destination;
  m.mode = to_control_mode(cfg->mode);
  m.filler = *filler;
  start_relay(m, std::move(pair->first));
  by_id_[*id] = m.token;
  const uint64_t token = m.token;
  conns_.emplace(token, std::move(m));
  ++stats_.connects;
  // The SYN goes out after the reply (events must not be raised from inside connect()).
  boost::asio::post(io_, [this] { after_external_input(); });
  return control::ConnectGrant{{*local, *port}, token, std::move(pair->second)};
}

Outcome<control::ListenGrant> ConnTable::listen(const ClientContext& client, const pc::Listen& req,
                                                UniqueFd) {
  if (full()) {
    ++stats_.refused_full;
    return refuse(ConnError::ResourceExhausted);
  }
  // Not yet: listener carriers (the shim's listen path) and tund-chosen listener ports.
  if (req.listener_carrier || req.local.port == 0) return refuse(ConnError::PolicyDenied);
  if (!is_unspecified(req.local.addr) &&
      std::find(config_.addresses.begin(), config_.addresses.end(), req.local.addr) == config_.addresses.end())
    return refuse(ConnError::AddressNotAvailable);
  auto cfg = apply_eno_options(stack_.defaults(), req.options, true);
  if (!cfg) return refuse(cfg.error());
  const uint16_t port = req.local.port;
  if (ports_.in_range(port)) return refuse(ConnError::AddressInUse);
  if (listener_by_port_.count(port) || bound_ports_.count(port)) return refuse(ConnError::AddressInUse);
  if (config_.add_listener_rule) {
    if (auto s = config_.add_listener_rule(port); !s) {
      spdlog::warn("listen on port {}: {}", port, s.error().message());
      return refuse(ConnError::PolicyDenied);
    }
  }
  stack_.endpoint().listen(port, *cfg);
  Listener l;
  l.token = next_token_++;
  l.client = client.id;
  l.pid = uint32_t(client.pid);
  l.uid = client.uid;
  l.local = req.local;
  l.backlog = req.backlog;
  l.mode = to_control_mode(cfg->mode);
  listener_by_port_[port] = l.token;
  const uint64_t token = l.token;
  listeners_.emplace(token, l);
  return control::ListenGrant{req.local, token, {}};
}

tl::expected<bool, ConnError> ConnTable::bind_local_port(const proto::ip::IpAddress& addr, uint16_t port) {
  if (ports_.in_range(port)) {
    if (!ports_.reserve(addr, port)) return refuse(ConnError::AddressInUse);
    return false;  // the range's rule routes it already (packet-path §5.3)
  }
  // A listener's port, also one closed but still serving its connections, keeps its rule.
  for (const auto& [token, l] : listeners_)
    if (l.local.port == port) return refuse(ConnError::AddressInUse);
  if (bound_ports_.count(port)) return refuse(ConnError::AddressInUse);
  // Inbound segments to a port outside the range reach tund only by a rule (shim.md §3.5).
  if (config_.add_listener_rule) {
    if (auto s = config_.add_listener_rule(port); !s) {
      spdlog::warn("connect from port {}: {}", port, s.error().message());
      return refuse(ConnError::PolicyDenied);
    }
  }
  bound_ports_.insert(port);
  return true;
}

void ConnTable::release_local_port(const proto::ip::IpAddress& addr, uint16_t port, bool own_rule) {
  if (!own_rule) return ports_.release(addr, port);
  bound_ports_.erase(port);
  if (config_.remove_listener_rule)
    if (auto s = config_.remove_listener_rule(port); !s)
      spdlog::warn("release port {}: {}", port, s.error().message());
}

OpOutcome ConnTable::unlisten(const ClientContext& client, uint64_t listener) {
  auto it = listeners_.find(listener);
  if (it == listeners_.end() || it->second.client != client.id || !it->second.open)
    return ConnError::UnknownConnection;
  Listener& l = it->second;
  l.open = false;
  stack_.endpoint().unlisten(l.local.port);
  listener_by_port_.erase(l.local.port);
  // Its connections keep arriving on the port's rule until the last one has closed (§5.2).
  ++l.live;
  release_listener_connection(listener);
  return std::nullopt;
}

void ConnTable::release_listener_connection(uint64_t listener) {
  auto it = listeners_.find(listener);
  if (it == listeners_.end() || --it->second.live > 0 || it->second.open) return;
  // A newer listener on the same port keeps the rule.
  if (config_.remove_listener_rule && !listener_by_port_.count(it->second.local.port))
    if (auto s = config_.remove_listener_rule(it->second.local.port); !s)
      spdlog::warn("unlisten port {}: {}", it->second.local.port, s.error().message());
  listeners_.erase(it);
}

OpOutcome ConnTable::shutdown(const ClientContext& client, uint64_t token, pc::ShutdownHow how) {
  auto* m = find(token);
  if (!m || m->client != client.id) return ConnError::UnknownConnection;
  if (how != pc::ShutdownHow::Read && !m->app_eof) {
    m->app_eof = true;
    if (auto* c = tcp(*m)) c->close(clock_.now());
    mark(token);
    after_external_input();
  }
  return std::nullopt;
}

OpOutcome ConnTable::abort(const ClientContext& client, uint64_t token) {
  auto* m = find(token);
  if (!m || m->client != client.id) return ConnError::UnknownConnection;
  close_carrier(*m);
  if (auto* c = tcp(*m)) c->abort(clock_.now());
  mark(token);
  after_external_input();
  return std::nullopt;
}

std::vector<pc::ConnectionStatus> ConnTable::status(const ClientContext& client) {
  auto visible = [&client](uint32_t uid) { return client.uid == 0 || client.uid == uid; };
  std::vector<pc::ConnectionStatus> out;
  for (const auto& [token, l] : listeners_) {
    if (!visible(l.uid) || !l.open) continue;
    pc::ConnectionStatus s;
    s.token = token;
    s.state = pc::ConnState::Listening;
    s.local = l.local;
    s.mode = l.mode;
    s.owner_pid = l.pid;
    s.owner_uid = l.uid;
    out.push_back(std::move(s));
  }
  for (auto& [token, m] : conns_)
    if (visible(m.uid)) out.push_back(status_of(m));
  for (const auto& s : recently_closed_)
    if (visible(s.owner_uid)) out.push_back(s);
  return out;
}

}  // namespace tund::conn_table
