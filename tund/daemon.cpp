#include "tund/daemon.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <csignal>

#include "proto/ip/packet.h"

namespace tund {

namespace {
constexpr size_t kIcmpBudget = 64;
}  // namespace

Daemon::Daemon(tun::TunDevice& tun, routing::Routing& routing, icmp::IcmpSockets& icmp, DaemonOptions options)
    : tun_(tun),
      routing_(routing),
      icmp_(icmp),
      options_(std::move(options)),
      tun_desc_(io_, tun.fd()),
      signals_(io_, SIGINT, SIGTERM, SIGHUP),
      timer_(io_, clock_, [this](proto::Instant now) { on_timer_expired(now); }),
      read_buf_(tun::kMaxPacketLen) {
  using proto::ip::Family;
  signals_.add(SIGUSR1);
  if (icmp.fd(Family::V4) >= 0) icmp4_desc_.emplace(io_, icmp.fd(Family::V4));
  if (icmp.fd(Family::V6) >= 0) icmp6_desc_.emplace(io_, icmp.fd(Family::V6));
  if (options_.netconf_fd >= 0) sysctl_watch_.emplace(io_, options_.netconf_fd, routing_);
  const auto& rc = routing_.config();
  icmp_filter_ = {rc.shared_addresses, rc.ephemeral, &routing_.listeners()};
}

Daemon::~Daemon() {
  // The TUN and ICMP fds belong to their owners: detach them from asio without closing.
  (void)tun_desc_.release();
  if (icmp4_desc_) (void)icmp4_desc_->release();
  if (icmp6_desc_) (void)icmp6_desc_->release();
}

void Daemon::run(PacketHandler& handler) {
  handler_ = &handler;
  wait_tun();
  if (icmp4_desc_) wait_icmp(proto::ip::Family::V4);
  if (icmp6_desc_) wait_icmp(proto::ip::Family::V6);
  wait_signals();
  if (sysctl_watch_) sysctl_watch_->start();
  reschedule();
  io_.run();
  handler_ = nullptr;
}

void Daemon::stop() {
  if (sysctl_watch_) sysctl_watch_->stop();
  io_.stop();
}

void Daemon::wait_tun() {
  tun_desc_.async_wait(boost::asio::posix::descriptor_base::wait_read, [this](const boost::system::error_code& ec) {
    if (ec) {
      if (ec != boost::asio::error::operation_aborted) spdlog::error("TUN wait failed: {}", ec.message());
      return;
    }
    on_tun_readable();
    wait_tun();
  });
}

void Daemon::on_tun_readable() {
  const proto::Instant t = clock_.now();
  ++stats_.wakeups;
  const proto::MutByteView bufs[1] = {proto::MutByteView(read_buf_)};
  size_t sizes[1] = {0};
  for (size_t budget = 0; budget < kReadBudget;) {
    auto n = tun_.read_batch(bufs, sizes, 0);
    if (!n) {
      warn_limited(tun_warn_, t, "TUN read: " + n.error().message());
      break;
    }
    if (*n == 0) break;
    for (size_t i = 0; i < *n; ++i, ++budget) {
      const proto::ByteView pkt(bufs[i].data(), sizes[i]);
      ++stats_.tun_rx_packets;
      stats_.tun_rx_bytes += pkt.size();
      auto ip = proto::ip::parse_tcp(pkt);
      if (!ip) {
        if (ip.error().code == proto::Errc::NotTcp)
          ++stats_.tun_rx_not_tcp;
        else
          ++stats_.tun_rx_malformed;
        spdlog::debug("TUN packet dropped: {} ({})", proto::errc_name(ip.error().code), ip.error().detail);
        continue;
      }
      ++stats_.tcp_packets_in;
      handler_->on_packet(*ip, t);
    }
  }
  reschedule();
}

void Daemon::wait_icmp(proto::ip::Family family) {
  auto& desc = family == proto::ip::Family::V4 ? *icmp4_desc_ : *icmp6_desc_;
  desc.async_wait(boost::asio::posix::descriptor_base::wait_read,
                  [this, family](const boost::system::error_code& ec) {
                    if (ec) return;
                    on_icmp_readable(family);
                    wait_icmp(family);
                  });
}

void Daemon::on_icmp_readable(proto::ip::Family family) {
  const proto::Instant t = clock_.now();
  ++stats_.wakeups;
  for (size_t i = 0; i < kIcmpBudget; ++i) {
    auto n = icmp_.receive(family, read_buf_);
    if (!n) {
      warn_limited(icmp_warn_, t, "ICMP receive: " + n.error().message());
      break;
    }
    if (*n == 0) break;
    ++stats_.icmp_rx;
    auto error = icmp::decode(family, proto::ByteView(read_buf_.data(), *n));
    std::optional<icmp::IcmpDrop> drop;
    if (!error)
      drop = error.error().code == proto::Errc::IcmpIgnored ? icmp::IcmpDrop::Ignored : icmp::IcmpDrop::Malformed;
    else
      drop = icmp::check(*error, icmp_filter_);
    if (drop) {
      ++stats_.icmp_dropped[size_t(*drop)];
      continue;
    }
    ++stats_.icmp_delivered;
    handler_->on_icmp(*error, t);
  }
  reschedule();
}

void Daemon::wait_signals() {
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    switch (sig) {
      case SIGINT:
      case SIGTERM:
        spdlog::info("signal {}: shutting down", sig);
        stop();
        return;
      case SIGHUP:
        if (options_.on_reload) options_.on_reload();
        break;
      case SIGUSR1: write_stats(); break;
      default: break;
    }
    wait_signals();
  });
}

void Daemon::on_timer_expired(proto::Instant t) {
  ++stats_.wakeups;
  auto due = handler_->next_timeout();
  if (due && *due <= t) {
    ++stats_.timer_fires;
    handler_->on_timer(t);
  }
  reschedule();
}

void Daemon::reschedule() {
  if (handler_) timer_.arm(handler_->next_timeout());
}

bool Daemon::send_packet(proto::ByteView packet) {
  auto s = tun_.write(packet);
  if (s) {
    ++stats_.tun_tx_packets;
    stats_.tun_tx_bytes += packet.size();
    return true;
  }
  if (s.error().err == EAGAIN || s.error().err == EWOULDBLOCK) {
    ++stats_.tun_tx_eagain;
  } else {
    ++stats_.tun_tx_errors;
    warn_limited(tun_warn_, clock_.now(), "TUN write: " + s.error().message());
  }
  return false;
}

const DaemonStats& Daemon::stats() {
  if (sysctl_watch_) stats_.sysctl = sysctl_watch_->stats();
  return stats_;
}

void Daemon::write_stats() {
  if (!options_.stats_file) return;
  if (auto s = write_stats_file(*options_.stats_file, stats(),
                                    options_.extra_stats ? options_.extra_stats() : std::string()); !s)
    spdlog::warn("cannot write stats: {}", s.error().message());
}

}  // namespace tund
