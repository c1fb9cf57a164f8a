// Wire constants of ROOT's object streaming, named once: the words and bits TBufferFile writes
// around objects, and the fixed-size headers in front of streamed collections and arrays.
// Decoders (root_format's own and to_arrow's) use these names, never the bare numbers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace arrowroot::root_format {

// --- TBufferFile (ROOT io/io/src/TBufferFile.cxx; uproot const.py) ---------------------------

/// Set in the u32 that starts an object when it is a byte count (WriteVersion: `bcnt |
/// kByteCountMask`), so a reader can tell it from a bare u16 version or a class tag.
inline constexpr uint32_t kByteCountMask = 0x40000000;
/// Set in a u16 version that has a byte count before it (kByteCountVMask), and in the version
/// of a collection streamed member-wise (TBufferFile::WriteVersionMemberWise,
/// TStreamerInfo::kStreamedMemberWise: the same bit).
inline constexpr uint16_t kByteCountVMask = 0x4000;
/// The class tag of a class whose name follows (first use in this buffer; WriteClass).
inline constexpr uint32_t kNewClassTag = 0xFFFFFFFF;
/// Set in a class tag that refers to a class named earlier in the buffer (WriteClass).
inline constexpr uint32_t kClassMask = 0x80000000;
/// Object and class tags count from the buffer start plus this (TBufferFile kMapOffset).
inline constexpr uint32_t kMapOffset = 2;

// --- TObject (ROOT core/base/src/TObject.cxx, TObject::Streamer) -----------------------------

/// fBits bit 4 (TObject::kIsReferenced): a u16 process id follows fBits.
inline constexpr uint32_t kIsReferenced = 1u << 4;
/// The process id after the fBits of a referenced object (TProcessID number, a u16).
inline constexpr size_t kProcessIdBytes = 2;

// --- strings (TBufferFile::WriteTString / WriteStdString) ------------------------------------

/// A u8 length of 255 says the real length follows as a u32 (longer strings).
inline constexpr uint8_t kLongStringMarker = 255;

// --- collections and arrays (TStreamerInfo::WriteBufferAux, TBufferFile) ----------------------

/// Bytes of the u32 byte count in front of an object ([bcnt | kByteCountMask]).
inline constexpr size_t kByteCountBytes = 4;
/// Bytes of a byte-count header: the u32 byte count and the u16 version.
inline constexpr size_t kVersionHeaderBytes = kByteCountBytes + 2;
/// A top-level std::vector<T> entry: the byte-count header, then the u32 number of items
/// (TStreamerInfo::WriteBufferSTL → TBufferFile::WriteFastArray after the size): 10 bytes.
inline constexpr size_t kStlVectorHeaderBytes = kVersionHeaderBytes + 4;
/// Where that u32 number of items sits in the vector header: right after the version.
inline constexpr size_t kStlVectorSizeOffset = kVersionHeaderBytes;
/// The byte before the values of a basic-pointer array member `T* x; //[n]` (kOffsetP + T):
/// 1 if the array is there, 0 for a null pointer (WriteBufferAux case kOffsetP; uproot calls
/// it the "speedbump").
inline constexpr size_t kBasicPointerFlagBytes = 1;

}  // namespace arrowroot::root_format
