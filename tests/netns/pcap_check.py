#!/usr/bin/env python3
"""Checks on a classic pcap capture (Ethernet link type) of TCP traffic, for the netns tests.

  pcap_check.py FILE --count-syn-eno            print the TCP-ENO counts below, exit 0
  pcap_check.py FILE --syn-has-eno              every SYN and SYN-ACK carries option 69
  pcap_check.py FILE --third-ack-has-eno        every active opener's third ACK carries it
  pcap_check.py FILE --no-marker MARKER         MARKER appears in no frame and no TCP stream
Checks combine; every run prints the counts. MARKER is a text string, or hex bytes when
written "hex:0011aa...". The marker is searched in every raw frame and in each direction's
reassembled TCP byte stream (so a marker split across segments is found too).

A check with nothing to check fails: --syn-has-eno without any SYN, --third-ack-has-eno
without any third ACK. The third ACK is the first non-SYN segment from the sender of a SYN on
the same 4-tuple (RFC 8547 §4.6). Frames whose IPv4 header checksum or TCP checksum is wrong
(e.g. corrupted by impair-link) are counted as "bad" and skipped for every TCP check except
the raw-frame marker search.

Exit status: 0 all checks pass, 1 a check failed, 2 unreadable or malformed capture / usage.
Python 3 standard library only; reads the file, touches no network."""
import argparse
import struct
import sys

ENO = 69
SYN, ACK = 0x02, 0x10
ETH_IPV4, ETH_IPV6, ETH_VLAN = 0x0800, 0x86DD, 0x8100
IPV6_EXT_HEADERS = {0, 43, 60}  # hop-by-hop, routing, destination options
IPV6_FRAGMENT = 44
TCP = 6


class BadCapture(Exception):
    pass


def read_pcap(path):
    """Yields the frames of a classic pcap file with Ethernet link type."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise BadCapture("shorter than a pcap global header")
    for endian in "<>":
        magic = struct.unpack(endian + "I", data[:4])[0]
        if magic in (0xA1B2C3D4, 0xA1B23C4D):  # microsecond / nanosecond timestamps
            break
    else:
        raise BadCapture("not a classic pcap file (magic %s)" % data[:4].hex())
    major, _minor, _zone, _sigfigs, _snaplen, linktype = struct.unpack(endian + "HHiIII", data[4:24])
    if major != 2 or linktype != 1:
        raise BadCapture("unsupported version %d or link type %d (want 2, Ethernet)" % (major, linktype))
    at = 24
    while at < len(data):
        if at + 16 > len(data):
            raise BadCapture("truncated record header at byte %d" % at)
        caplen = struct.unpack(endian + "I", data[at + 8:at + 12])[0]
        at += 16
        if at + caplen > len(data):
            raise BadCapture("truncated record at byte %d" % at)
        yield data[at:at + caplen]
        at += caplen


def ones_sum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


class Segment:
    def __init__(self, src, dst, sport, dport, seq, flags, options, payload, checksum_ok):
        self.src, self.dst, self.sport, self.dport = src, dst, sport, dport
        self.seq, self.flags, self.payload, self.checksum_ok = seq, flags, payload, checksum_ok
        self.option_kinds = options

    def flow(self):
        return (self.src, self.sport, self.dst, self.dport)

    def has_eno(self):
        return ENO in self.option_kinds


def tcp_option_kinds(opts):
    """Kinds of the TCP options (RFC 9293 §3.2); None if the list is malformed."""
    kinds, i = [], 0
    while i < len(opts):
        kind = opts[i]
        if kind == 0:
            break
        if kind == 1:
            i += 1
            continue
        if i + 1 >= len(opts) or opts[i + 1] < 2 or i + opts[i + 1] > len(opts):
            return None
        kinds.append(kind)
        i += opts[i + 1]
    return kinds


def parse_ip(frame):
    """(src, dst, tcp bytes, header checksum ok) of a TCP-over-IP frame, or None."""
    if len(frame) < 14:
        return None
    etype, at = struct.unpack("!H", frame[12:14])[0], 14
    if etype == ETH_VLAN and len(frame) >= 18:
        etype, at = struct.unpack("!H", frame[16:18])[0], 18
    ip = frame[at:]
    if etype == ETH_IPV4:
        if len(ip) < 20 or ip[0] >> 4 != 4:
            return None
        ihl, total = (ip[0] & 0x0F) * 4, struct.unpack("!H", ip[2:4])[0]
        frag = struct.unpack("!H", ip[6:8])[0] & 0x3FFF
        if ihl < 20 or total < ihl or total > len(ip) or ip[9] != TCP or frag:
            return None
        return ip[12:16], ip[16:20], ip[ihl:total], ones_sum(ip[:ihl]) == 0xFFFF
    if etype == ETH_IPV6:
        if len(ip) < 40 or ip[0] >> 4 != 6:
            return None
        end = 40 + struct.unpack("!H", ip[4:6])[0]
        if end > len(ip):
            return None
        nxt, at6 = ip[6], 40
        while nxt in IPV6_EXT_HEADERS:
            if at6 + 2 > end:
                return None
            nxt, at6 = ip[at6], at6 + (ip[at6 + 1] + 1) * 8
        if nxt != TCP or at6 > end:  # a fragment header (44) ends the walk: not reassembled
            return None
        return ip[8:24], ip[24:40], ip[at6:end], True
    return None


def parse_tcp(frame):
    """The TCP segment in an Ethernet frame, or None if it is not well-formed TCP over IP."""
    parsed = parse_ip(frame)
    if parsed is None:
        return None
    src, dst, tcp, ip_ok = parsed
    if len(tcp) < 20:
        return None
    sport, dport, seq, _ack, off, flags = struct.unpack("!HHIIBB", tcp[:14])
    hlen = (off >> 4) * 4
    if hlen < 20 or hlen > len(tcp):
        return None
    kinds = tcp_option_kinds(tcp[20:hlen])
    if kinds is None:
        return None
    if len(src) == 4:
        pseudo = src + dst + struct.pack("!xBH", TCP, len(tcp))
    else:
        pseudo = src + dst + struct.pack("!IxxxB", len(tcp), TCP)
    ok = ip_ok and ones_sum(pseudo + tcp) == 0xFFFF
    return Segment(src, dst, sport, dport, seq, flags, kinds, tcp[hlen:], ok)


class Counts:
    def __init__(self):
        self.frames = self.tcp = self.bad = 0
        self.syn = self.syn_eno = self.synack = self.synack_eno = 0
        self.third_ack = self.third_ack_eno = 0

    def line(self):
        return ("frames=%d tcp=%d bad=%d syn=%d syn_eno=%d synack=%d synack_eno=%d "
                "third_ack=%d third_ack_eno=%d" % (
                    self.frames, self.tcp, self.bad, self.syn, self.syn_eno, self.synack,
                    self.synack_eno, self.third_ack, self.third_ack_eno))


def reassemble(segments):
    """Contiguous byte runs of one direction's stream, from (offset, payload) pieces."""
    runs, cur, cur_end = [], bytearray(), None
    for off, payload in sorted(segments, key=lambda p: p[0]):
        if cur_end is not None and off <= cur_end:
            cur += payload[cur_end - off:]
            cur_end = max(cur_end, off + len(payload))
            continue
        if cur:
            runs.append(bytes(cur))
        cur, cur_end = bytearray(payload), off + len(payload)
    if cur:
        runs.append(bytes(cur))
    return runs


def analyse(frames, marker):
    counts = Counts()
    awaiting_third = set()
    marker_in_frame = 0
    base = {}  # flow -> sequence number of its first payload byte
    pieces = {}  # flow -> [(offset, payload)]
    for frame in frames:
        counts.frames += 1
        if marker and marker in frame:
            marker_in_frame += 1
        seg = parse_tcp(frame)
        if seg is None:
            continue
        counts.tcp += 1
        if not seg.checksum_ok:
            counts.bad += 1
            continue
        flow, syn, ack = seg.flow(), seg.flags & SYN, seg.flags & ACK
        if syn and not ack:
            counts.syn += 1
            counts.syn_eno += seg.has_eno()
            awaiting_third.add(flow)
        elif syn:
            counts.synack += 1
            counts.synack_eno += seg.has_eno()
        elif flow in awaiting_third:
            awaiting_third.discard(flow)
            counts.third_ack += 1
            counts.third_ack_eno += seg.has_eno()
        if syn:
            base[flow] = (seg.seq + 1) & 0xFFFFFFFF
        elif seg.payload:
            start = base.setdefault(flow, seg.seq)
            off = (seg.seq - start) & 0xFFFFFFFF
            if off < 1 << 31:  # before the base: not part of this stream
                pieces.setdefault(flow, []).append((off, seg.payload))
    marker_in_stream = 0
    if marker:
        for flow_pieces in pieces.values():
            marker_in_stream += sum(marker in run for run in reassemble(flow_pieces))
    return counts, marker_in_frame, marker_in_stream


def parse_marker(text):
    if text.startswith("hex:"):
        try:
            return bytes.fromhex(text[4:])
        except ValueError:
            raise argparse.ArgumentTypeError("bad hex marker")
    return text.encode()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--syn-has-eno", action="store_true")
    ap.add_argument("--third-ack-has-eno", action="store_true")
    ap.add_argument("--no-marker", type=parse_marker, metavar="MARKER")
    ap.add_argument("--count-syn-eno", action="store_true")
    args = ap.parse_args()
    if args.no_marker == b"":
        ap.error("empty marker")
    try:
        counts, in_frame, in_stream = analyse(read_pcap(args.file), args.no_marker)
    except (OSError, BadCapture) as e:
        print("pcap_check: %s: %s" % (args.file, e), file=sys.stderr)
        return 2
    print(counts.line())
    failed = []
    if args.syn_has_eno:
        total, with_eno = counts.syn + counts.synack, counts.syn_eno + counts.synack_eno
        if counts.syn == 0 or with_eno != total:
            failed.append("%d of %d SYN/SYN-ACK segments carry ENO" % (with_eno, total))
    if args.third_ack_has_eno:
        if counts.third_ack == 0 or counts.third_ack_eno != counts.third_ack:
            failed.append("%d of %d third ACKs carry ENO" % (counts.third_ack_eno, counts.third_ack))
    if args.no_marker:
        print("marker_frames=%d marker_streams=%d" % (in_frame, in_stream))
        if in_frame or in_stream:
            failed.append("marker found")
    for f in failed:
        print("pcap_check: FAIL: " + f, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
