// How tund turns its configuration and a client's ENO wishes (control EnoOptions) into the
// proto/tcpinc settings of one connection, and a SecureConnection's outcome into the
// control protocol's SecurityInfo (what `tcpcrypt status`, nc and the shim show).
//
// Rules (api.md §3, §9.2): the client's mode, TEP and AEAD lists override tund's defaults
// (Mode::Default and empty lists keep them); TEP and AEAD lists on the wire are in
// increasing preference, proto/tcpcrypt's are most preferred first. A TEP or AEAD tund does
// not implement makes the request InvalidRequest (EINVAL), never a silent change.
// Pure functions; thread-safe.
#pragma once

#include "proto/control/messages.h"
#include "proto/tcpinc/secure_connection.h"
#include "tund/config.h"

namespace tund::conn_table {

// tund's configured defaults (mode, TEP and AEAD preferences, key update) for every
// connection, and the resumption cache (nullopt when resumption is off).
proto::tcpinc::Config security_defaults(const tund::Config& config);
std::optional<proto::tcpcrypt::CacheConfig> resumption_cache_config(const tund::Config& config);

// The settings for one connection (active: Connect; passive: Listen) or InvalidRequest.
tl::expected<proto::tcpinc::Config, proto::control::ConnError> apply_eno_options(
    proto::tcpinc::Config base, const proto::control::EnoOptions& wish, bool passive);

proto::control::Mode to_control_mode(proto::tcpinc::Mode m);
proto::control::SecurityInfo security_info(const proto::tcpinc::SecureConnection& c);

}  // namespace tund::conn_table
