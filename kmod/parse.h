/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Packet name parsers: the DNS query name, the TLS ClientHello SNI and the
 * HTTP Host header (or request target). Pure code (pure.h): the same file is compiled into the
 * module, the userspace unit tests and the libFuzzer harnesses.
 *
 * Every parser reads untrusted bytes: it never trusts a length, never reads
 * outside [buf, buf + len), never allocates, never recurses, and its work is
 * linear in the bytes it is given.
 *
 * A name is returned lower-cased, without a trailing dot, NUL-terminated in
 * a caller buffer of CW_NAME_MAX + 1 bytes, with its length. It is made of
 * [a-z0-9_-] labels of 1..63 bytes joined by dots, at most CW_NAME_MAX bytes.
 * A name that breaks any of these rules is reported as CW_PARSE_NO_NAME,
 * never cut short: a partial name could match a shorter domain.
 */
#ifndef _CW_PARSE_H
#define _CW_PARSE_H

#include "pure.h"
#include "uapi/consentwall.h"

enum cw_parse_result {
	/* A valid name was found and written to the output buffer. */
	CW_PARSE_NAME,
	/*
	 * Well-formed, but no usable name: a ClientHello without SNI, a
	 * request without Host, a DNS query without question or for the
	 * root, an IP literal, or a name that is not a valid host name
	 * (characters, label or name length).
	 */
	CW_PARSE_NO_NAME,
	/* The first bytes are not this protocol. */
	CW_PARSE_NOT_PROTO,
	/* Truncated so far: the name (if any) lies in bytes not yet seen. */
	CW_PARSE_INCOMPLETE,
	/*
	 * The first bytes identified the protocol, then its structure broke:
	 * a length that overruns its container, a compression pointer in a
	 * query name, a non-handshake record inside a ClientHello. No real
	 * client sends this and no server can act on it; the hook should
	 * fail closed (drop) when the ruleset has domains, as a name may
	 * hide behind the bytes the parser could not make sense of.
	 */
	CW_PARSE_MALFORMED,
	/*
	 * Resumable TLS parser only: CW_TLS_BUDGET stream bytes went by
	 * without reaching the SNI or the end of the ClientHello.
	 */
	CW_PARSE_OVER_BUDGET,
};

/*
 * Every function below is pure: any context, the packet path included;
 * it never sleeps, never allocates, takes no lock.
 */

/**
 * cw_parse_result_str() - a parser answer's name, for messages and tests
 * @r: the answer
 *
 * Return: a static string ("name", "no name"...), "?" for an unknown one.
 */
const char *cw_parse_result_str(enum cw_parse_result r);

/*
 * DNS. Only a query (QR = 0) is parsed, any opcode, and only its first
 * question: a resolver refuses a query with several questions (FORMERR),
 * so the first one is the only one that can be answered. A compression
 * pointer cannot legitimately appear in a query's first QNAME (there is
 * nothing before it to point at): a QNAME with one (or with the reserved
 * 0x40/0x80 label types), or longer than 255 bytes on the wire, is
 * CW_PARSE_MALFORMED, never followed. The root name and a query without
 * question are CW_PARSE_NO_NAME. The question must be whole (QNAME, QTYPE,
 * QCLASS) to count; a datagram that ends first is CW_PARSE_INCOMPLETE.
 * A query for an SVCB or HTTPS record (types 64, 65: they carry ECH
 * configs) under an attrleaf name, _PORT._SCHEME.NAME or _SCHEME.NAME
 * (RFC 9460), is for NAME: its one or two leading '_' labels are not
 * part of the name returned. Other types keep them (_dmarc.NAME TXT).
 *
 * cw_parse_dns_udp() takes the UDP payload; cw_parse_dns_tcp() the start of
 * the TCP stream (the 2-byte length prefix, then the message; a message
 * whose own length ends inside the question is CW_PARSE_MALFORMED). Neither
 * needs more than CW_DNS_WANT bytes: the hook copies min(payload,
 * CW_DNS_WANT). Over TCP the first segment nearly always holds the whole
 * query (glibc, bionic, musl and dig write prefix and message at once); a
 * query cut by the end of its segment is CW_PARSE_INCOMPLETE, and the hook
 * keeps nothing of it: it fails closed.
 */
#define CW_DNS_WANT	(2 + 12 + 255 + 4)

/**
 * cw_parse_dns_udp() - the query name of a DNS message over UDP
 * @buf: the UDP payload
 * @len: its length (bytes past CW_DNS_WANT are not read)
 * @name: CW_NAME_MAX + 1 bytes for the name
 * @name_len: set to the name's length
 *
 * Return: CW_PARSE_NAME with the name written, or why not (see above).
 */
enum cw_parse_result cw_parse_dns_udp(const u8 *buf, u32 len, char *name,
				      u32 *name_len);

/**
 * cw_parse_dns_tcp() - the query name of a DNS message over TCP
 * @buf: the start of the stream: the 2-byte length, then the message
 * @len: the bytes there (past CW_DNS_WANT are not read)
 * @name: CW_NAME_MAX + 1 bytes for the name
 * @name_len: set to the name's length
 *
 * Return: CW_PARSE_NAME with the name written, or why not (see above).
 */
enum cw_parse_result cw_parse_dns_tcp(const u8 *buf, u32 len, char *name,
				      u32 *name_len);

/*
 * The answer that refuses a blocked query at once, in place of the server
 * the query was for. It echoes the query's ID, opcode, RD and CD bits and
 * its first question exactly as sent (case included: resolvers that
 * randomize it check the echo), sets QR, RA when recursion was desired
 * (dig asks the next server otherwise), and the RCODE; it has no answer
 * or authority record, so nothing can cache it (RFC 2308 needs an SOA).
 * When the query carried an OPT record right after its question, the
 * answer carries one too, with the Extended DNS Error 15 "Blocked" (RFC
 * 8914), which dig shows and apps may log. A query of an opcode other
 * than QUERY (NOTIFY, UPDATE) is always refused.
 */
#define CW_DNS_NXDOMAIN		3
#define CW_DNS_REFUSED		5
#define CW_DNS_ANSWER_OPT	17	/* the OPT record with its EDE */
#define CW_DNS_ANSWER_MAX	(12 + 255 + 4 + CW_DNS_ANSWER_OPT)

/**
 * cw_dns_answer() - turn a copy of a DNS query into the answer refusing it
 * @msg: the query's first bytes (no TCP length prefix), rewritten in place
 *       into the answer; room for CW_DNS_ANSWER_MAX bytes
 * @len: how many bytes of the query are there (past CW_DNS_ANSWER_MAX
 *       are not read)
 * @rcode: CW_DNS_REFUSED or CW_DNS_NXDOMAIN
 *
 * Return: the answer's length, or 0 when @msg is not a query whose first
 * question is whole (nothing is answered then; @msg may be changed).
 */
u32 cw_dns_answer(u8 *msg, u32 len, u8 rcode);

/*
 * HTTP/1.x: a resumable request head parser. A head starts with a known
 * method (GET, POST, HEAD, PUT, DELETE, OPTIONS, PATCH, CONNECT, TRACE), a
 * space, a target, and a request line ending in " HTTP/1.0" or
 * " HTTP/1.1"; header lines follow, up to an empty line. A target that
 * names a host (absolute-form "http://host:port/...", as sent to proxies,
 * or CONNECT's "host:port") gives the name: a server must prefer it to
 * Host, a proxy connects to it. Otherwise the first Host header (any case)
 * gives the name. The port suffix is stripped; a bracketed IPv6 literal is
 * CW_PARSE_NO_NAME (addresses are matched by address), and so is a head
 * that ends without Host.
 *
 * The hook feeds a head in chunks of any size, as its segments come, with
 * one struct cw_http_state per head: nothing is buffered but the Host value
 * (or the target's authority) and a few bytes of the request line. The
 * answer is known as soon as the Host line (or the request line) is whole,
 * and stays; the parser goes on to the head's end, where it knows where
 * the next request of a kept-alive or pipelined connection starts
 * (cw_http_next(): after a Content-Length body; unknown after a
 * Transfer-Encoding one). A request line that is not HTTP/1.x is
 * CW_PARSE_NOT_PROTO, as servers refuse it too.
 *
 * Budget: a head that is not over after CW_HTTP_BUDGET bytes stops the
 * parser; without an answer by then it is CW_PARSE_OVER_BUDGET, for the
 * hook to fail closed. Servers refuse heads far shorter (8 KiB a line is
 * the common limit).
 */
#define CW_HTTP_BUDGET		65536
/* The longest method token, its space included ("OPTIONS ", "CONNECT "). */
#define CW_HTTP_METHOD_MAX	8

struct cw_http_state {
	u32 fed;	/* head bytes consumed, against CW_HTTP_BUDGET */
	u32 line;	/* bytes of the current line so far, its LF not */
	u32 clen;	/* the Content-Length value */
	u16 flags;	/* CW_HTTP_F_* (parse.c) */
	u16 vlen;	/* bytes in val */
	u8 step;	/* where in the head (parse.c) */
	u8 result;	/* enum cw_parse_result, INCOMPLETE until known */
	u8 mlen;	/* the method's length, its space included */
	u8 last;	/* the current line's last byte */
	u8 tail[10];	/* the request line's last bytes, a ring */
	char field[18];	/* a header's name so far, lower case */
	u8 name_len;
	/*
	 * The method, then the Host value or the target's authority as
	 * sent, then the name (NUL-terminated) once the answer is known.
	 */
	char val[CW_NAME_MAX + 24];
};

/**
 * cw_http_init() - start parsing a request head
 * @st: the state
 */
void cw_http_init(struct cw_http_state *st);

/**
 * cw_http_feed() - feed the next bytes of a request head
 * @st: the state
 * @buf: the bytes
 * @len: how many
 * @used: set to how many were consumed: all of them, unless the head
 *        ended (at its last LF) or the parser stopped (not HTTP, or over
 *        budget) within them
 *
 * Return: the answer so far: CW_PARSE_INCOMPLETE until it is known; with
 * CW_PARSE_NAME the name is in @st->val, @st->name_len bytes.
 */
enum cw_parse_result cw_http_feed(struct cw_http_state *st, const u8 *buf,
				  u32 len, u32 *used);

/**
 * cw_http_next() - where the request after this one starts
 * @st: a state that was fed its head
 *
 * Return: the offset of the next request from this head's first byte (the
 * head, then a Content-Length body), or 0 while the head has not ended or
 * when its body's length cannot be known (Transfer-Encoding, a broken
 * Content-Length).
 */
u32 cw_http_next(const struct cw_http_state *st);

/**
 * cw_http_may_start() - whether bytes may start a request head
 * @buf: the first bytes of a segment's payload
 * @len: how many (past CW_HTTP_METHOD_MAX are not read)
 *
 * What the hook asks of every TCP segment that is neither the start of
 * its stream nor tracked: a known method and its space, or, with fewer
 * bytes than that, the start of one.
 *
 * Return: true if they do.
 */
bool cw_http_may_start(const u8 *buf, u32 len);

/**
 * cw_parse_http() - the host an HTTP/1.x request is for
 * @buf: the request, from its first byte
 * @len: the bytes there (past CW_HTTP_BUDGET are not read)
 * @name: CW_NAME_MAX + 1 bytes for the name
 * @name_len: set to the name's length
 *
 * Return: as cw_http_feed() after the whole buffer (tests, fuzzers).
 */
enum cw_parse_result cw_parse_http(const u8 *buf, u32 len, char *name,
				   u32 *name_len);

/*
 * TLS: a resumable ClientHello parser. A ClientHello may span several TLS
 * records and several TCP segments (a post-quantum key share alone is over
 * 1 KiB, and Chrome shuffles its extensions so the SNI can come after it),
 * so the hook keeps one struct cw_tls_state per TCP flow whose first payload
 * looked like TLS, and feeds it the flow's payload in stream order, in
 * chunks of any size (a segment, or pieces of one read with
 * skb_header_pointer into a small scratch buffer). Nothing is buffered:
 * bytes the parser does not need (random, cipher suites, key shares, other
 * extensions) are counted and stepped over, and cw_tls_skip() lets the hook
 * step over them without copying them out of the skb. Only the SNI is kept,
 * because it may straddle two segments.
 *
 * The state is small and fixed (sizeof(struct cw_tls_state), about 300
 * bytes), so the hook can keep it in a bounded per-netns table. It is done
 * when a feed returns anything but CW_PARSE_INCOMPLETE; later feeds return
 * the same result (and name) again. The state holds no pointer: the hook
 * may parse a flow's first segment with a per-CPU state and copy it into
 * its table only when the answer is CW_PARSE_INCOMPLETE.
 *
 * Budget: after CW_TLS_BUDGET stream bytes without an answer the parser
 * returns CW_PARSE_OVER_BUDGET. Real ClientHellos, even with hybrid
 * post-quantum key shares and padding, are under 4 KiB; 16 KiB (one full
 * record) leaves room without letting a flow hold its table slot forever.
 * The decision for the hook: while the result is CW_PARSE_INCOMPLETE, let
 * the segments through (a ClientHello without its end carries no data and
 * completes no handshake); when the name is found and denied, drop that
 * segment and reset the flow. On CW_PARSE_OVER_BUDGET, CW_PARSE_MALFORMED
 * (and on a table that is full) fail closed when the ruleset has domains:
 * drop and reset, since the name may be a denied one.
 */
#define CW_TLS_BUDGET	16384

struct cw_tls_state {
	u32 fed;	/* stream bytes consumed, against CW_TLS_BUDGET */
	u32 pos;	/* offset in the handshake message body */
	u32 need;	/* bytes left in the current field */
	u32 acc;	/* value of the length field being read */
	u32 msg_end;	/* body offsets where these structures end */
	u32 exts_end;
	u32 ext_end;
	u32 list_end;
	u32 rec_acc;	/* record header bytes read so far */
	u16 rec_left;	/* payload bytes left in the current record */
	u8 rec_hdr;	/* record header bytes read: 0..5 */
	u8 step;	/* what the current field is */
	u8 result;	/* enum cw_parse_result, INCOMPLETE until done */
	u8 name_len;
	char name[CW_NAME_MAX + 2];	/* the SNI as sent, maybe a dot */
};

/**
 * cw_tls_init() - start parsing a new client stream
 * @st: the state
 */
void cw_tls_init(struct cw_tls_state *st);

/**
 * cw_tls_feed() - feed the next bytes of the client's stream
 * @st: the state
 * @buf: the bytes, or NULL with @len 0 to learn the answer so far
 * @len: how many
 * @name: CW_NAME_MAX + 1 bytes for the name, or NULL to learn the answer
 *        only
 * @name_len: set to the name's length, if @name is not NULL
 *
 * Return: CW_PARSE_INCOMPLETE while more bytes are needed, else the final
 * answer, again for every later feed; with CW_PARSE_NAME the name is
 * written to @name.
 */
enum cw_parse_result cw_tls_feed(struct cw_tls_state *st, const u8 *buf,
				 u32 len, char *name, u32 *name_len);

/**
 * cw_tls_skippable() - how many next stream bytes the parser ignores
 * @st: the state
 *
 * The hook may pass up to that many to cw_tls_skip() instead of copying
 * them out of the skb; cw_tls_feed() is always right too.
 *
 * Return: the number of bytes, 0 when the next one matters.
 */
u32 cw_tls_skippable(const struct cw_tls_state *st);

/**
 * cw_tls_skip() - step over bytes the parser ignores
 * @st: the state
 * @n: how many the caller would skip
 *
 * Return: how many were skipped: min(@n, cw_tls_skippable()).
 */
u32 cw_tls_skip(struct cw_tls_state *st, u32 n);

/**
 * cw_parse_tls() - the SNI of a ClientHello in one contiguous buffer
 * @buf: the client's stream from its first byte
 * @len: its length
 * @name: CW_NAME_MAX + 1 bytes for the name
 * @name_len: set to the name's length
 *
 * Return: as cw_tls_feed() after the whole buffer (tests, fuzzers).
 */
enum cw_parse_result cw_parse_tls(const u8 *buf, u32 len, char *name,
				  u32 *name_len);

/**
 * cw_name_normalize() - check a host name and bring it to normal form
 * @in: the name
 * @len: its length
 * @out: CW_NAME_MAX + 1 bytes for the name in lower case, one trailing
 *       dot dropped, NUL-terminated; may be @in; an empty string on
 *       failure
 *
 * Return: the normalized length, or 0 if @in is not a valid host name.
 */
u32 cw_name_normalize(const char *in, u32 len, char *out);

#endif /* _CW_PARSE_H */
