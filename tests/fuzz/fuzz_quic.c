// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The QUIC Initial parser (kmod/quic.c) with OpenSSL as its crypto. Random
 * bytes never pass an AEAD tag, so an input is read two ways, chosen by its
 * first byte:
 *  - raw: the rest is up to three datagrams (2-byte length before each)
 *    fed as they are: long headers, lengths, versions, coalescing;
 *  - sealed: the rest is up to eight packets, each a flags byte (version,
 *    packet-number length), a 2-byte length and that many bytes of frames,
 *    which are sealed into real Initials of one connection and fed in
 *    order: frames, CRYPTO reassembly and the ClientHello behind them.
 * Whatever the input: answers are in range, a name is a valid host name,
 * the reassembly state stays in bounds, and a done state keeps its answer.
 */
#include "fuzz_common.h"
#include "quic.h"
#include "../unit/quic/ossl.h"

static struct cw_quic_state st;

static u32 take(const u8 **p, size_t *n, u32 want)
{
	u32 k = *n < want ? (u32)*n : want;

	*p += k;
	*n -= k;
	return k;
}

static void check(enum cw_parse_result r, const char *name, u32 len)
{
	fuzz_check_name(r, name, len);
	FUZZ_CHECK(st.contig <= CW_QUIC_CRYPTO_MAX);
	FUZZ_CHECK(st.fed <= st.contig);
	FUZZ_CHECK(r != CW_PARSE_MALFORMED ||
		   (st.why > CW_QUIC_OK && st.why <= CW_QUIC_FULL));
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const u8 dcid[8] = { 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08 };
	static int ready;
	char name[CW_NAME_MAX + 1], again[CW_NAME_MAX + 1];
	u32 len = 0, alen = 0, i, n;
	enum cw_parse_result r = CW_PARSE_INCOMPLETE, r2;
	u8 mode, *dg, pkt[1600];

	if (!ready) {
		ossl_init();
		ready = 1;
	}
	if (!size)
		return 0;
	mode = data[0];
	data++;
	size--;
	cw_quic_init(&st);
	for (i = 0; i < (mode & 1 ? 8u : 3u) && size >= 2; i++) {
		const u8 *p;
		u32 want;

		if (mode & 1) {
			u8 fl = data[0];

			want = (u32)data[1] << 8 | data[2 % size];
			take(&data, &size, 3);
			p = data;
			want = take(&data, &size, want % 1400);
			n = seal(fl & 1 ? CW_QUIC_V2 : CW_QUIC_V1, dcid, 8, i,
				 1 + (fl >> 1 & 3), p, want,
				 fl & 8 ? 0 : 1200, pkt);
			dg = fuzz_dup(pkt, n);
		} else {
			want = (u32)data[0] << 8 | data[1];
			take(&data, &size, 2);
			p = data;
			n = take(&data, &size, want);
			dg = fuzz_dup(p, n);
		}
		r = cw_quic_feed(&st, &prov, dg, n, name, &len);
		free(dg);
		check(r, name, len);
		/* a datagram no key opens is answered, not kept */
		FUZZ_CHECK(r == st.result || r == CW_PARSE_NOT_PROTO ||
			   (r == CW_PARSE_MALFORMED && st.why == CW_QUIC_TAG &&
			    st.result == CW_PARSE_INCOMPLETE));
		if (st.result != CW_PARSE_INCOMPLETE)
			break;
	}
	/* A done state answers the same, whatever comes next. */
	if (st.result != CW_PARSE_INCOMPLETE) {
		dg = fuzz_dup(data, size);
		r2 = cw_quic_feed(&st, &prov, dg, (u32)size, again, &alen);
		free(dg);
		FUZZ_CHECK(r2 == r);
		FUZZ_CHECK(r != CW_PARSE_NAME ||
			   (alen == len && !strcmp(again, name)));
	}
	return 0;
}
