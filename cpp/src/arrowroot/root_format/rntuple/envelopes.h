// RNTuple metadata parsing (pure: bytes in, model.h structs out; no I/O).
//
// The anchor is a big-endian streamed object; the header, footer and page-list envelopes are
// little-endian, each `[u64 type:16|length:48] payload [u64 XXH3-64 of everything before]`,
// built of record frames (positive i64 size) and list frames (negative i64 size, u32 count).
// Every size, count and id is checked against the bytes that are there before anything is
// allocated or indexed; a checksum mismatch is Corruption. Messages are short reasons; the
// caller (rntuple.cc) adds the file and the RNTuple's name.
// Format: ROOT's RNTuple Binary Format Specification 1.0.0.1 (root-project/root,
// tree/ntuple/doc/BinaryFormatSpecification.md).
#pragma once

#include <cstdint>
#include <vector>

#include "arrowroot/common/bytes.h"
#include "arrowroot/common/status.h"
#include "arrowroot/root_format/rntuple/model.h"

namespace arrowroot::root_format::rntuple {

inline constexpr uint16_t kEnvelopeHeader = 0x01;
inline constexpr uint16_t kEnvelopeFooter = 0x02;
inline constexpr uint16_t kEnvelopePageList = 0x03;

/// The `ROOT::RNTuple` key payload: `[u32 bytecount][u16 class version]`, the fields, then the
/// XXH3-64 of the fields (checked). Epoch other than 1 is Unsupported.
Result<Anchor> ParseAnchor(ByteView payload);

/// Check an uncompressed envelope: its type, its length field against `expected_length` and
/// the bytes there, and its checksum. Returns the checksum (the footer and page lists repeat
/// the header's).
Result<uint64_t> CheckEnvelope(ByteView envelope, uint16_t expected_type, uint64_t expected_length);

/// The header envelope (checked with CheckEnvelope first): name, description, writer and the
/// schema description. Fills `schema` (fields, columns, aliases); FinishSchema links them.
Status ParseHeader(ByteView envelope, Schema* schema);

/// The footer envelope: feature flags, the header checksum (must match
/// schema->header_checksum), the schema extension and the cluster groups.
Status ParseFooter(ByteView envelope, Schema* schema);

/// Link the schema after header and footer: check every id, attach columns (and alias
/// columns) to their fields, list each field's children, check feature flags.
Status FinishSchema(Schema* schema);

/// One cluster group's page-list envelope: its clusters (appended to `clusters`), each with its
/// columns' pages. `num_columns` is the schema's physical column count.
Status ParsePageList(ByteView envelope, const Schema& schema, const ClusterGroupDesc& group,
                     std::vector<ClusterDesc>* clusters);

/// XXH3-64 of `bytes` (the checksum of anchors, envelopes and pages).
uint64_t Checksum(ByteView bytes);

}  // namespace arrowroot::root_format::rntuple
