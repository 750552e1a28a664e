// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Packet name parsers (see parse.h). Pure code: no kernel-only calls, so the
 * unit tests and fuzzers compile this very file.
 */
#include "parse.h"

static inline char cw_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

const char *cw_parse_result_str(enum cw_parse_result r)
{
	switch (r) {
	case CW_PARSE_NAME:
		return "name";
	case CW_PARSE_NO_NAME:
		return "no name";
	case CW_PARSE_NOT_PROTO:
		return "not this protocol";
	case CW_PARSE_INCOMPLETE:
		return "incomplete";
	case CW_PARSE_MALFORMED:
		return "malformed";
	case CW_PARSE_OVER_BUDGET:
		return "over budget";
	}
	return "?";
}

/*
 * In may equal out: each byte is read before the byte at the same index is
 * written. On failure out holds an empty string, so a caller that ignores
 * the return value still never sees part of a name.
 */
u32 cw_name_normalize(const char *in, u32 len, char *out)
{
	u32 i, label = 0;

	if (len && in[len - 1] == '.')
		len--;
	if (!len || len > CW_NAME_MAX)
		goto bad;
	for (i = 0; i < len; i++) {
		char c = cw_lower(in[i]);

		if (c == '.') {
			if (!label)
				goto bad;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			   c == '-' || c == '_') {
			if (++label > 63)
				goto bad;
		} else {
			goto bad;
		}
		out[i] = c;
	}
	/* A name ending in ".." leaves an empty last label. */
	if (!label)
		goto bad;
	out[len] = '\0';
	return len;
bad:
	out[0] = '\0';
	return 0;
}

static enum cw_parse_result cw_found(u32 *name_len, u32 len)
{
	if (!len)
		return CW_PARSE_NO_NAME;
	*name_len = len;
	return CW_PARSE_NAME;
}

/* ---- DNS ---------------------------------------------------------------- */

#define CW_DNS_HDR	12
#define CW_DNS_WIRE_MAX	255	/* RFC 1035 2.3.4, labels and length bytes */

#define CW_DNS_QR	0x80	/* byte 2: a response */
#define CW_DNS_OPCODE	0x78
#define CW_DNS_RD	0x01
#define CW_DNS_RA	0x80	/* byte 3 */
#define CW_DNS_CD	0x10
#define CW_DNS_SVCB	64
#define CW_DNS_HTTPS	65
#define CW_DNS_OPT	41

/*
 * The first question of the query p[0, len): sets *qend past its QCLASS,
 * *qtype. With a name buffer, its labels are copied there with dots
 * (CW_DNS_WIRE_MAX bounds them to 253 bytes) and *out says how many.
 */
static enum cw_parse_result cw_dns_question(const u8 *p, u32 len, char *name,
					    u32 *out, u32 *qend, u16 *qtype)
{
	u32 off = CW_DNS_HDR, wire = 1, o = 0;

	if (len < CW_DNS_HDR)
		return CW_PARSE_INCOMPLETE;
	/* A response is not a query: it names nothing we are sending to. */
	if (p[2] & CW_DNS_QR)
		return CW_PARSE_NOT_PROTO;
	if (!p[4] && !p[5])
		return CW_PARSE_NO_NAME;
	for (;;) {
		u32 l, i;

		if (off >= len)
			return CW_PARSE_INCOMPLETE;
		l = p[off];
		if (!l)
			break;
		/* Compression pointers (0xc0) and the reserved 0x40/0x80. */
		if (l & 0xc0)
			return CW_PARSE_MALFORMED;
		wire += 1 + l;
		if (wire > CW_DNS_WIRE_MAX)
			return CW_PARSE_MALFORMED;
		if (l >= len - off)
			return CW_PARSE_INCOMPLETE;
		if (name && o)
			name[o++] = '.';
		for (i = 1; name && i <= l; i++) {
			/* A dot inside a label is another name, not ours. */
			if (p[off + i] == '.')
				return CW_PARSE_NO_NAME;
			name[o++] = p[off + i];
		}
		off += 1 + l;
	}
	/* QTYPE and QCLASS must follow. */
	if (len - off - 1 < 4)
		return CW_PARSE_INCOMPLETE;
	*out = o;
	*qend = off + 5;
	*qtype = (u16)p[off + 1] << 8 | p[off + 2];
	/* Root name: nothing to match. */
	return off == CW_DNS_HDR ? CW_PARSE_NO_NAME : CW_PARSE_NAME;
}

/*
 * SVCB and HTTPS records (RFC 9460), which carry ECH configs, are asked
 * for under "attrleaf" names: _PORT._SCHEME.NAME for a port other than
 * the scheme's default (_8443._https.example.com), _SCHEME.NAME for some
 * schemes (_dns.resolver.arpa). What they are about is NAME: up to two
 * leading labels that start with '_' are skipped, as long as a name is
 * left. Returns the offset of NAME in name[0, len).
 */
static u32 cw_dns_attrleaf(const char *name, u32 len, u16 qtype)
{
	u32 skip = 0, i, k;

	if (qtype != CW_DNS_SVCB && qtype != CW_DNS_HTTPS)
		return 0;
	for (k = 0; k < 2 && skip < len && name[skip] == '_'; k++) {
		for (i = skip; i < len && name[i] != '.'; i++)
			;
		if (i + 1 >= len)
			break;
		skip = i + 1;
	}
	return skip;
}

static enum cw_parse_result cw_dns_msg(const u8 *p, u32 len, char *name,
				       u32 *name_len)
{
	enum cw_parse_result r;
	u32 out = 0, qend, skip;
	u16 qtype;

	r = cw_dns_question(p, len, name, &out, &qend, &qtype);
	if (r != CW_PARSE_NAME)
		return r;
	skip = cw_dns_attrleaf(name, out, qtype);
	return cw_found(name_len,
			cw_name_normalize(name + skip, out - skip, name));
}

enum cw_parse_result cw_parse_dns_udp(const u8 *buf, u32 len, char *name,
				      u32 *name_len)
{
	return cw_dns_msg(buf, min_t(u32, len, CW_DNS_WANT), name, name_len);
}

enum cw_parse_result cw_parse_dns_tcp(const u8 *buf, u32 len, char *name,
				      u32 *name_len)
{
	enum cw_parse_result r;
	u32 mlen;

	if (len < 2)
		return CW_PARSE_INCOMPLETE;
	mlen = (u32)buf[0] << 8 | buf[1];
	if (mlen < CW_DNS_HDR)
		return CW_PARSE_NOT_PROTO;
	len = min_t(u32, len - 2, CW_DNS_WANT - 2);
	if (mlen <= len) {
		/* The whole message is here: running out means malformed. */
		r = cw_dns_msg(buf + 2, mlen, name, name_len);
		return r == CW_PARSE_INCOMPLETE ? CW_PARSE_MALFORMED : r;
	}
	return cw_dns_msg(buf + 2, len, name, name_len);
}

u32 cw_dns_answer(u8 *msg, u32 len, u8 rcode)
{
	/*
	 * The OPT record of the answer (RFC 6891): root name, type OPT, a
	 * 1232-byte UDP payload, no extended rcode, version 0, no flags, and
	 * one option, an Extended DNS Error (RFC 8914) of info-code 15,
	 * "Blocked": the resolver's own policy kept the query from leaving.
	 */
	static const u8 opt[CW_DNS_ANSWER_OPT] = {
		0, 0, CW_DNS_OPT, 0x04, 0xd0, 0, 0, 0, 0, 0, 6,
		0, 15, 0, 2, 0, 15,
	};
	enum cw_parse_result r;
	u32 out, qend = 0;
	u16 qtype;
	bool edns;

	len = min_t(u32, len, CW_DNS_ANSWER_MAX);
	r = cw_dns_question(msg, len, NULL, &out, &qend, &qtype);
	if ((r != CW_PARSE_NAME && r != CW_PARSE_NO_NAME) || !qend)
		return 0;
	/*
	 * One question, no answer or authority record, then an OPT record:
	 * the client speaks EDNS, and is told why in the answer's.
	 */
	edns = !msg[4] && msg[5] == 1 && !(msg[6] | msg[7] | msg[8] | msg[9]) &&
	       (msg[10] | msg[11]) && len - qend >= 3 && !msg[qend] &&
	       !msg[qend + 1] && msg[qend + 2] == CW_DNS_OPT;
	/* Only a standard query can be told that its name does not exist. */
	if (msg[2] & CW_DNS_OPCODE)
		rcode = CW_DNS_REFUSED;
	msg[2] = CW_DNS_QR | (msg[2] & (CW_DNS_OPCODE | CW_DNS_RD));
	/* Recursion "available" when asked for, or dig tries elsewhere. */
	msg[3] = (msg[2] & CW_DNS_RD ? CW_DNS_RA : 0) |
		 (msg[3] & CW_DNS_CD) | (rcode & 0x0f);
	msg[4] = 0;
	msg[5] = 1;
	memset(msg + 6, 0, 6);
	if (!edns)
		return qend;
	msg[11] = 1;
	memcpy(msg + qend, opt, sizeof(opt));
	return qend + sizeof(opt);
}

/* ---- HTTP --------------------------------------------------------------- */

static const char * const cw_http_methods[] = {
	"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "PATCH ",
	"CONNECT ", "TRACE ",
};

/* Length of the method and its space, 0 if none, -1 if too short to tell. */
static int cw_http_method(const u8 *p, u32 len)
{
	int maybe = 0;
	u32 i, j;

	for (i = 0; i < ARRAY_SIZE(cw_http_methods); i++) {
		const char *m = cw_http_methods[i];

		for (j = 0; j < len && m[j] && p[j] == (u8)m[j]; j++)
			;
		if (!m[j])
			return j;
		if (j == len)
			maybe = -1;
	}
	return maybe;
}

bool cw_http_may_start(const u8 *buf, u32 len)
{
	return cw_http_method(buf, min_t(u32, len, CW_HTTP_METHOD_MAX)) != 0;
}

static bool cw_is_ows(u8 c)
{
	return c == ' ' || c == '\t';
}

/* The value of a Host header, [v, v + n): host, then maybe ":port". */
static enum cw_parse_result cw_http_host(const u8 *v, u32 n, char *name,
					 u32 *name_len)
{
	u32 i, host = n;

	/* "[2001:db8::1]:80": an address, matched by address. */
	if (!n || v[0] == '[')
		return CW_PARSE_NO_NAME;
	for (i = 0; i < n; i++) {
		if (v[i] == ':') {
			host = i;
			break;
		}
	}
	if (host < n) {
		u32 digits = n - host - 1;

		if (digits < 1 || digits > 5)
			return CW_PARSE_NO_NAME;
		for (i = host + 1; i < n; i++)
			if (v[i] < '0' || v[i] > '9')
				return CW_PARSE_NO_NAME;
	}
	if (host > CW_NAME_MAX + 1)
		return CW_PARSE_NO_NAME;
	return cw_found(name_len,
			cw_name_normalize((const char *)v, host, name));
}

/* Where in the head the next byte is (struct cw_http_state.step). */
enum cw_http_step {
	CW_HTTP_METHOD,		/* the method and its space, into val */
	CW_HTTP_SCHEME,		/* the target's first bytes, into val */
	CW_HTTP_AUTH,		/* the authority the target names, into val */
	CW_HTTP_TARGET,		/* the rest of the request line */
	CW_HTTP_FIELD,		/* a header's name, into field */
	CW_HTTP_HOST,		/* the first Host value, into val */
	CW_HTTP_CLEN,		/* a Content-Length value, into clen */
	CW_HTTP_SKIP,		/* the rest of a line that does not matter */
	CW_HTTP_END,		/* after the empty line: nothing more is read */
};

/* struct cw_http_state.flags */
#define CW_HTTP_F_AUTH		0x001	/* the target names the host */
#define CW_HTTP_F_OVER		0x002	/* val overflowed: no name */
#define CW_HTTP_F_CLEN		0x004	/* a Content-Length was read */
#define CW_HTTP_F_UNKNOWN	0x008	/* the body's length cannot be known */
#define CW_HTTP_F_DIGIT		0x010	/* Content-Length: digits so far */
#define CW_HTTP_F_DIGIT_END	0x020	/* ... and whitespace after them */
/*
 * A Host value's whitespace and CRs not yet kept: dropped at the line's
 * end, as trailing whitespace and a final CR are; a byte after them
 * makes them part of the value (a space marks it, no name has one).
 */
#define CW_HTTP_F_PEND		0x040
#define CW_HTTP_F_PEND_CR	0x080	/* the last byte pending is a CR */
#define CW_HTTP_F_INNER_CR	0x100	/* a CR pending, not the last byte */

static void cw_http_keep(struct cw_http_state *st, u8 c)
{
	if (st->vlen < sizeof(st->val) - 1)
		st->val[st->vlen++] = c;
	else
		st->flags |= CW_HTTP_F_OVER;
}

/* The name in val (a Host value or an authority, as sent) is whole. */
static void cw_http_answer(struct cw_http_state *st)
{
	enum cw_parse_result r = CW_PARSE_NO_NAME;
	u32 len = 0;

	if (!(st->flags & CW_HTTP_F_OVER))
		r = cw_http_host((const u8 *)st->val, st->vlen, st->val, &len);
	st->result = r;
	st->name_len = r == CW_PARSE_NAME ? len : 0;
	if (r != CW_PARSE_NAME)
		st->val[0] = '\0';
}

/* 1 if v[0, n) is "http://" or "https://", 0 if the start of one, else -1. */
static int cw_http_scheme(const char *v, u32 n)
{
	static const char * const schemes[] = { "http://", "https://" };
	u32 i, l;

	for (i = 0; i < ARRAY_SIZE(schemes); i++) {
		l = strlen(schemes[i]);
		if (n <= l && !memcmp(v, schemes[i], n))
			return n == l;
	}
	return -1;
}

/*
 * The request line's LF: it must end in " HTTP/1.0" or " HTTP/1.1" (and
 * its CR) after a target of one byte at least. Only the last bytes are
 * checked, so a target with spaces passes, as lenient servers take it.
 */
static void cw_http_request_line(struct cw_http_state *st)
{
	static const char ver[] = " HTTP/1.";
	u32 cr = st->last == '\r', n = st->line - cr, i;
	char t[9];

	if (n < st->mlen + 10U) {
		st->result = CW_PARSE_NOT_PROTO;
		return;
	}
	for (i = 0; i < sizeof(t); i++)
		t[i] = st->tail[(n - sizeof(t) + i) % sizeof(st->tail)];
	if (memcmp(t, ver, sizeof(ver) - 1) || (t[8] != '0' && t[8] != '1')) {
		st->result = CW_PARSE_NOT_PROTO;
		return;
	}
	if (st->flags & CW_HTTP_F_AUTH)
		cw_http_answer(st);
}

/* A header name is whole (its ':' came): which header it is. */
static void cw_http_field(struct cw_http_state *st)
{
	u32 n = st->line - 1;

	st->step = CW_HTTP_SKIP;
	if (n == 4 && !memcmp(st->field, "host", 4)) {
		/* The first Host counts, unless the target named the host. */
		if (st->result == CW_PARSE_INCOMPLETE) {
			st->step = CW_HTTP_HOST;
			st->vlen = 0;
			st->flags &= ~CW_HTTP_F_OVER;
		}
	} else if (n == 14 && !memcmp(st->field, "content-length", 14)) {
		/* Two of them: servers refuse the request, or pick one. */
		if (st->flags & CW_HTTP_F_CLEN)
			st->flags |= CW_HTTP_F_UNKNOWN;
		st->flags |= CW_HTTP_F_CLEN;
		st->flags &= ~(CW_HTTP_F_DIGIT | CW_HTTP_F_DIGIT_END);
		st->clen = 0;
		st->step = CW_HTTP_CLEN;
	} else if (n == 17 && !memcmp(st->field, "transfer-encoding", 17)) {
		/* Chunks are not followed: where the body ends is unknown. */
		st->flags |= CW_HTTP_F_UNKNOWN;
	}
}

static void cw_http_host_byte(struct cw_http_state *st, u8 c)
{
	u16 f = st->flags;

	if (cw_is_ows(c) || c == '\r') {
		/* Whitespace before the value is not part of it. */
		if (!st->vlen && !(f & CW_HTTP_F_PEND) && c != '\r')
			return;
		if (f & CW_HTTP_F_PEND_CR)
			f |= CW_HTTP_F_INNER_CR;
		f &= ~CW_HTTP_F_PEND_CR;
		f |= CW_HTTP_F_PEND | (c == '\r' ? CW_HTTP_F_PEND_CR : 0);
		st->flags = f;
		return;
	}
	if (f & CW_HTTP_F_PEND)
		cw_http_keep(st, ' ');
	st->flags &= ~(CW_HTTP_F_PEND | CW_HTTP_F_PEND_CR | CW_HTTP_F_INNER_CR);
	cw_http_keep(st, c);
}

static void cw_http_clen_byte(struct cw_http_state *st, u8 c)
{
	if (c >= '0' && c <= '9') {
		/* A body of 2 GiB or more is not followed. */
		if ((st->flags & CW_HTTP_F_DIGIT_END) ||
		    st->clen >= 0x7fffffffU / 10)
			st->flags |= CW_HTTP_F_UNKNOWN;
		else
			st->clen = st->clen * 10 + (c - '0');
		st->flags |= CW_HTTP_F_DIGIT;
	} else if (cw_is_ows(c) || c == '\r') {
		if (st->flags & CW_HTTP_F_DIGIT)
			st->flags |= CW_HTTP_F_DIGIT_END;
	} else {
		st->flags |= CW_HTTP_F_UNKNOWN;
	}
}

/* A line's LF. */
static void cw_http_eol(struct cw_http_state *st)
{
	switch (st->step) {
	case CW_HTTP_METHOD:
		st->result = CW_PARSE_NOT_PROTO;
		return;
	case CW_HTTP_SCHEME:
	case CW_HTTP_AUTH:
	case CW_HTTP_TARGET:
		cw_http_request_line(st);
		if (st->result == CW_PARSE_NOT_PROTO)
			return;
		break;
	case CW_HTTP_FIELD:
		/* The empty line: the head is over, no Host in it. */
		if (st->line == (st->last == '\r')) {
			if (st->result == CW_PARSE_INCOMPLETE)
				st->result = CW_PARSE_NO_NAME;
			st->step = CW_HTTP_END;
			return;
		}
		break;
	case CW_HTTP_HOST:
		if (st->flags & CW_HTTP_F_INNER_CR)
			st->flags |= CW_HTTP_F_OVER;
		cw_http_answer(st);
		break;
	case CW_HTTP_CLEN:
		if (!(st->flags & CW_HTTP_F_DIGIT))
			st->flags |= CW_HTTP_F_UNKNOWN;
		break;
	default:
		break;
	}
	st->step = CW_HTTP_FIELD;
	st->line = 0;
	st->last = 0;
}

static void cw_http_byte(struct cw_http_state *st, u8 c)
{
	int m;

	if (c == '\n') {
		cw_http_eol(st);
		return;
	}
	if (st->step <= CW_HTTP_TARGET)
		st->tail[st->line % sizeof(st->tail)] = c;
	st->line++;
	st->last = c;
	switch (st->step) {
	case CW_HTTP_METHOD:
		st->val[st->vlen++] = c;
		m = cw_http_method((const u8 *)st->val, st->vlen);
		if (!m) {
			st->result = CW_PARSE_NOT_PROTO;
		} else if (m > 0) {
			st->mlen = m;
			st->vlen = 0;
			/* CONNECT's target is an authority (host:port). */
			if (st->val[0] == 'C') {
				st->flags |= CW_HTTP_F_AUTH;
				st->step = CW_HTTP_AUTH;
			} else {
				st->step = CW_HTTP_SCHEME;
			}
		}
		break;
	case CW_HTTP_SCHEME:
		st->val[st->vlen++] = cw_lower(c);
		m = cw_http_scheme(st->val, st->vlen);
		if (m > 0) {
			st->flags |= CW_HTTP_F_AUTH;
			st->step = CW_HTTP_AUTH;
			st->vlen = 0;
		} else if (m < 0) {
			st->step = CW_HTTP_TARGET;
		}
		break;
	case CW_HTTP_AUTH:
		/*
		 * Up to the path, query or fragment, after any "userinfo@";
		 * or up to the space before the version (as servers read it:
		 * a space never belongs to an authority).
		 */
		if (c == '/' || c == '?' || c == '#' || c == ' ') {
			st->step = CW_HTTP_TARGET;
		} else if (c == '@') {
			st->vlen = 0;
			st->flags &= ~CW_HTTP_F_OVER;
		} else {
			cw_http_keep(st, c);
		}
		break;
	case CW_HTTP_FIELD:
		if (c == ':')
			cw_http_field(st);
		else if (st->line <= sizeof(st->field))
			st->field[st->line - 1] = cw_lower(c);
		else
			st->step = CW_HTTP_SKIP;
		break;
	case CW_HTTP_HOST:
		cw_http_host_byte(st, c);
		break;
	case CW_HTTP_CLEN:
		cw_http_clen_byte(st, c);
		break;
	default:
		break;
	}
}

void cw_http_init(struct cw_http_state *st)
{
	memset(st, 0, sizeof(*st));
	st->result = CW_PARSE_INCOMPLETE;
	st->step = CW_HTTP_METHOD;
}

static bool cw_http_stopped(const struct cw_http_state *st)
{
	return st->step == CW_HTTP_END || st->fed == CW_HTTP_BUDGET ||
	       st->result == CW_PARSE_NOT_PROTO ||
	       st->result == CW_PARSE_OVER_BUDGET;
}

enum cw_parse_result cw_http_feed(struct cw_http_state *st, const u8 *buf,
				  u32 len, u32 *used)
{
	u32 i;

	for (i = 0; i < len && !cw_http_stopped(st); i++) {
		st->fed++;
		cw_http_byte(st, buf[i]);
	}
	if (st->fed == CW_HTTP_BUDGET && st->step != CW_HTTP_END &&
	    st->result == CW_PARSE_INCOMPLETE)
		st->result = CW_PARSE_OVER_BUDGET;
	*used = i;
	return st->result;
}

u32 cw_http_next(const struct cw_http_state *st)
{
	if (st->step != CW_HTTP_END || (st->flags & CW_HTTP_F_UNKNOWN))
		return 0;
	return st->fed + (st->flags & CW_HTTP_F_CLEN ? st->clen : 0);
}

enum cw_parse_result cw_parse_http(const u8 *buf, u32 len, char *name,
				   u32 *name_len)
{
	struct cw_http_state st;
	enum cw_parse_result r;
	u32 used;

	cw_http_init(&st);
	r = cw_http_feed(&st, buf, len, &used);
	if (r == CW_PARSE_NAME) {
		memcpy(name, st.val, st.name_len + 1);
		*name_len = st.name_len;
	}
	return r;
}

/* ---- TLS ---------------------------------------------------------------- */

/*
 * The ClientHello fields in stream order (RFC 8446 4.1.2, RFC 6066 3).
 * Lengths are read into st->acc; the skip steps are stepped over.
 */
enum cw_tls_step {
	CW_TLS_HS_TYPE,		/* 1: handshake type, 1 = ClientHello */
	CW_TLS_HS_LEN,		/* 3 */
	CW_TLS_VERSION,		/* 2: legacy_version */
	CW_TLS_RANDOM,		/* 32, skipped */
	CW_TLS_SID_LEN,		/* 1 */
	CW_TLS_SID,		/* skipped */
	CW_TLS_CS_LEN,		/* 2 */
	CW_TLS_CS,		/* skipped */
	CW_TLS_COMP_LEN,	/* 1 */
	CW_TLS_COMP,		/* skipped */
	CW_TLS_EXTS_LEN,	/* 2 */
	CW_TLS_EXT_HDR,		/* 4: extension type and length */
	CW_TLS_EXT,		/* skipped: an extension other than SNI */
	CW_TLS_SNI_LIST_LEN,	/* 2 */
	CW_TLS_SNI_ENTRY,	/* 3: name type and name length */
	CW_TLS_SNI_NAME,	/* kept in st->name */
};

#define CW_TLS_REC_HDR		5
#define CW_TLS_REC_MAX		16384	/* TLSPlaintext.length <= 2^14 */
#define CW_TLS_CONTENT_HS	22
#define CW_TLS_EXT_SNI		0
#define CW_TLS_NOEND		0xffffffffU

static bool cw_tls_is_skip(u8 step)
{
	return step == CW_TLS_RANDOM || step == CW_TLS_SID ||
	       step == CW_TLS_CS || step == CW_TLS_COMP || step == CW_TLS_EXT;
}

/* Starts a field of n bytes that must end by end; false if it cannot. */
static bool cw_tls_field(struct cw_tls_state *st, u8 step, u32 n, u32 end)
{
	if (st->pos > end || n > end - st->pos)
		return false;
	st->step = step;
	st->need = n;
	st->acc = 0;
	return true;
}

#define CW_TLS_FIELD(st, step, n, end)				\
	(cw_tls_field(st, step, n, end) ? CW_PARSE_INCOMPLETE :	\
	 CW_PARSE_MALFORMED)

/* A field of the ClientHello before its extensions is complete. */
static enum cw_parse_result cw_tls_hello(struct cw_tls_state *st)
{
	u32 v = st->acc;

	switch (st->step) {
	case CW_TLS_HS_TYPE:
		if (v != 1)
			return CW_PARSE_NOT_PROTO;
		return CW_TLS_FIELD(st, CW_TLS_HS_LEN, 3, CW_TLS_NOEND);
	case CW_TLS_HS_LEN:
		st->msg_end = st->pos + v;
		return CW_TLS_FIELD(st, CW_TLS_VERSION, 2, st->msg_end);
	case CW_TLS_VERSION:
		if (v >> 8 != 3)
			return CW_PARSE_NOT_PROTO;
		return CW_TLS_FIELD(st, CW_TLS_RANDOM, 32, st->msg_end);
	case CW_TLS_RANDOM:
		return CW_TLS_FIELD(st, CW_TLS_SID_LEN, 1, st->msg_end);
	case CW_TLS_SID_LEN:
		if (v > 32)
			return CW_PARSE_MALFORMED;
		return CW_TLS_FIELD(st, CW_TLS_SID, v, st->msg_end);
	case CW_TLS_SID:
		return CW_TLS_FIELD(st, CW_TLS_CS_LEN, 2, st->msg_end);
	case CW_TLS_CS_LEN:
		if (v < 2 || v & 1)
			return CW_PARSE_MALFORMED;
		return CW_TLS_FIELD(st, CW_TLS_CS, v, st->msg_end);
	case CW_TLS_CS:
		return CW_TLS_FIELD(st, CW_TLS_COMP_LEN, 1, st->msg_end);
	case CW_TLS_COMP_LEN:
		if (!v)
			return CW_PARSE_MALFORMED;
		return CW_TLS_FIELD(st, CW_TLS_COMP, v, st->msg_end);
	case CW_TLS_COMP:
		/* No extensions at all: no SNI. */
		if (st->pos == st->msg_end)
			return CW_PARSE_NO_NAME;
		return CW_TLS_FIELD(st, CW_TLS_EXTS_LEN, 2, st->msg_end);
	}
	return CW_PARSE_MALFORMED;
}

/* A field of the extensions, up to the SNI's name, is complete. */
static enum cw_parse_result cw_tls_ext(struct cw_tls_state *st)
{
	u32 v = st->acc, n;

	switch (st->step) {
	case CW_TLS_EXTS_LEN:
		st->exts_end = st->pos + v;
		if (st->exts_end > st->msg_end)
			return CW_PARSE_MALFORMED;
		if (!v)
			return CW_PARSE_NO_NAME;
		return CW_TLS_FIELD(st, CW_TLS_EXT_HDR, 4, st->exts_end);
	case CW_TLS_EXT_HDR:
		n = v & 0xffff;
		if (n > st->exts_end - st->pos)
			return CW_PARSE_MALFORMED;
		st->ext_end = st->pos + n;
		/* The first SNI extension counts: servers refuse a second. */
		if (v >> 16 == CW_TLS_EXT_SNI)
			return CW_TLS_FIELD(st, CW_TLS_SNI_LIST_LEN, 2,
					    st->ext_end);
		return CW_TLS_FIELD(st, CW_TLS_EXT, n, st->ext_end);
	case CW_TLS_EXT:
		if (st->pos == st->exts_end)
			return CW_PARSE_NO_NAME;
		return CW_TLS_FIELD(st, CW_TLS_EXT_HDR, 4, st->exts_end);
	case CW_TLS_SNI_LIST_LEN:
		if (v > st->ext_end - st->pos)
			return CW_PARSE_MALFORMED;
		st->list_end = st->pos + v;
		return CW_TLS_FIELD(st, CW_TLS_SNI_ENTRY, 3, st->list_end);
	case CW_TLS_SNI_ENTRY:
		n = v & 0xffff;
		/* HostName<1..2^16-1>, inside the list. */
		if (!n || n > st->list_end - st->pos)
			return CW_PARSE_MALFORMED;
		/*
		 * Only host_name (0) is defined. A name longer than any host
		 * name is no name, and not worth keeping.
		 */
		if (v >> 16 || n > CW_NAME_MAX + 1)
			return CW_PARSE_NO_NAME;
		st->name_len = 0;
		return CW_TLS_FIELD(st, CW_TLS_SNI_NAME, n, st->list_end);
	case CW_TLS_SNI_NAME:
		st->name_len = cw_name_normalize(st->name, st->name_len,
						 st->name);
		return st->name_len ? CW_PARSE_NAME : CW_PARSE_NO_NAME;
	}
	return CW_PARSE_MALFORMED;
}

/* The current field is complete: check it and start the next one. */
static enum cw_parse_result cw_tls_next(struct cw_tls_state *st)
{
	return st->step < CW_TLS_EXTS_LEN ? cw_tls_hello(st) : cw_tls_ext(st);
}

/*
 * One record header byte. Anything but a handshake record before the first
 * handshake byte means the flow is not TLS; later it is a broken one.
 */
static enum cw_parse_result cw_tls_rec_byte(struct cw_tls_state *st, u8 b)
{
	enum cw_parse_result bad = st->pos ? CW_PARSE_MALFORMED :
					     CW_PARSE_NOT_PROTO;
	u32 rlen;

	switch (st->rec_hdr++) {
	case 0:
		return b == CW_TLS_CONTENT_HS ? CW_PARSE_INCOMPLETE : bad;
	case 1:
		return b == 3 ? CW_PARSE_INCOMPLETE : bad;
	case 2:
		return b <= 4 ? CW_PARSE_INCOMPLETE : bad;
	case 3:
		st->rec_acc = b;
		return CW_PARSE_INCOMPLETE;
	}
	rlen = st->rec_acc << 8 | b;
	if (!rlen || rlen > CW_TLS_REC_MAX)
		return bad;
	st->rec_left = rlen;
	st->rec_hdr = 0;
	return CW_PARSE_INCOMPLETE;
}

/*
 * Consumes up to len bytes; buf == NULL only steps over skippable bytes and
 * stops at the first byte that must be read. Returns the bytes consumed and
 * leaves the outcome in st->result.
 */
static u32 cw_tls_run(struct cw_tls_state *st, const u8 *buf, u32 len)
{
	u32 done = 0, n, i;

	if (st->result != CW_PARSE_INCOMPLETE)
		return 0;
	len = min_t(u32, len, CW_TLS_BUDGET - st->fed);
	for (;;) {
		enum cw_parse_result r = CW_PARSE_INCOMPLETE;

		while (!st->need && r == CW_PARSE_INCOMPLETE)
			r = cw_tls_next(st);
		if (r != CW_PARSE_INCOMPLETE) {
			st->result = r;
			return done;
		}
		if (done == len)
			break;
		if (!st->rec_left) {
			if (!buf)
				break;
			r = cw_tls_rec_byte(st, buf[done]);
			done++;
			st->fed++;
			if (r != CW_PARSE_INCOMPLETE) {
				st->result = r;
				return done;
			}
			continue;
		}
		n = min_t(u32, min_t(u32, len - done, st->rec_left), st->need);
		if (cw_tls_is_skip(st->step)) {
			/* Stepped over: never read. */
		} else if (!buf) {
			break;
		} else if (st->step == CW_TLS_SNI_NAME) {
			memcpy(st->name + st->name_len, buf + done, n);
			st->name_len += n;
		} else {
			for (i = 0; i < n; i++)
				st->acc = st->acc << 8 | buf[done + i];
		}
		done += n;
		st->fed += n;
		st->pos += n;
		st->need -= n;
		st->rec_left -= n;
	}
	if (st->fed == CW_TLS_BUDGET)
		st->result = CW_PARSE_OVER_BUDGET;
	return done;
}

void cw_tls_init(struct cw_tls_state *st)
{
	memset(st, 0, sizeof(*st));
	st->result = CW_PARSE_INCOMPLETE;
	st->step = CW_TLS_HS_TYPE;
	st->need = 1;
}

enum cw_parse_result cw_tls_feed(struct cw_tls_state *st, const u8 *buf,
				 u32 len, char *name, u32 *name_len)
{
	if (buf)
		cw_tls_run(st, buf, len);
	if (st->result == CW_PARSE_NAME && name) {
		memcpy(name, st->name, st->name_len + 1);
		*name_len = st->name_len;
	}
	return st->result;
}

u32 cw_tls_skippable(const struct cw_tls_state *st)
{
	if (st->result != CW_PARSE_INCOMPLETE || !st->rec_left ||
	    !cw_tls_is_skip(st->step))
		return 0;
	return min_t(u32, min_t(u32, st->need, st->rec_left),
		     CW_TLS_BUDGET - st->fed);
}

u32 cw_tls_skip(struct cw_tls_state *st, u32 n)
{
	return cw_tls_run(st, NULL, min_t(u32, n, cw_tls_skippable(st)));
}

enum cw_parse_result cw_parse_tls(const u8 *buf, u32 len, char *name,
				  u32 *name_len)
{
	struct cw_tls_state st;

	cw_tls_init(&st);
	return cw_tls_feed(&st, buf, len, name, name_len);
}
