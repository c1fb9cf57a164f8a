#include "arrowroot/to_arrow/identify.h"

#include <cctype>
#include <cstdlib>

namespace arrowroot::to_arrow {

using root_format::Branch;
using root_format::Leaf;
using root_format::StreamerElement;
using root_format::StreamerInfo;

int Prim::WireSize() const {
  switch (kind) {
    case PrimKind::kBool:
    case PrimKind::kI8:
    case PrimKind::kU8: return 1;
    case PrimKind::kI16:
    case PrimKind::kU16: return 2;
    case PrimKind::kI32:
    case PrimKind::kU32:
    case PrimKind::kF32:
    case PrimKind::kFloat16:
    case PrimKind::kDouble32:
    case PrimKind::kDouble32AsFloat:
    case PrimKind::kBits: return 4;
    case PrimKind::kI64:
    case PrimKind::kU64:
    case PrimKind::kF64: return 8;
    case PrimKind::kDouble32Trunc:
    case PrimKind::kFloat16Trunc: return 3;
  }
  return 0;
}

TypeId Prim::OutputType() const {
  switch (kind) {
    case PrimKind::kBool: return TypeId::kBool;
    case PrimKind::kI8: return TypeId::kInt8;
    case PrimKind::kU8: return TypeId::kUInt8;
    case PrimKind::kI16: return TypeId::kInt16;
    case PrimKind::kU16: return TypeId::kUInt16;
    case PrimKind::kI32: return TypeId::kInt32;
    case PrimKind::kU32:
    case PrimKind::kBits: return TypeId::kUInt32;
    case PrimKind::kI64: return TypeId::kInt64;
    case PrimKind::kU64: return TypeId::kUInt64;
    case PrimKind::kF32:
    case PrimKind::kFloat16:
    case PrimKind::kFloat16Trunc: return TypeId::kFloat32;
    case PrimKind::kF64:
    case PrimKind::kDouble32:
    case PrimKind::kDouble32Trunc:
    case PrimKind::kDouble32AsFloat: return TypeId::kFloat64;
  }
  return TypeId::kInt32;
}


int32_t FixedWireSize(const Node& n) {
  switch (n.kind) {
    case Node::Kind::kPrim: return n.prim.is_fixed() ? n.prim.WireSize() : -1;
    case Node::Kind::kFixedArray: {
      int32_t c = FixedWireSize(n.children[0]);
      if (c < 0 || n.length < 0) return -1;
      // A corrupt length must not overflow; no basket holds an entry of 2 GiB anyway.
      int64_t total = static_cast<int64_t>(c) * n.length;
      return total > INT32_MAX ? -1 : static_cast<int32_t>(total);
    }
    default: return -1;
  }
}
std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

bool ParseRange(const std::string& title, double* low, double* high, int* bits, bool* has_bits) {
  size_t l = title.find('['), r = title.find(']');
  if (l == std::string::npos || r == std::string::npos || r < l) return false;
  std::string inner = title.substr(l + 1, r - l - 1);
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t comma = inner.find(',', start);
    parts.push_back(Trim(inner.substr(start, comma == std::string::npos ? std::string::npos
                                                                         : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (parts.size() != 2 && parts.size() != 3) return false;
  auto num = [](const std::string& s, double* out) {
    std::string t = s;
    double sign = 1;
    if (!t.empty() && t[0] == '-') {
      sign = -1;
      t = Trim(t.substr(1));
    }
    // ROOT accepts pi expressions in ranges; support the common forms.
    auto pos = t.find("pi");
    if (pos != std::string::npos) {
      double mult = 1;
      std::string pre = Trim(t.substr(0, pos));
      if (!pre.empty() && pre.back() == '*') pre.pop_back();
      if (!pre.empty()) mult = std::strtod(pre.c_str(), nullptr);
      std::string post = t.substr(pos + 2);
      double div = 1;
      if (auto slash = post.find('/'); slash != std::string::npos) {
        div = std::strtod(post.c_str() + slash + 1, nullptr);
      }
      *out = sign * mult * 3.141592653589793 / div;
      return true;
    }
    char* end = nullptr;
    *out = sign * std::strtod(t.c_str(), &end);
    return end && *end == '\0' && !t.empty();
  };
  if (!num(parts[0], low) || !num(parts[1], high)) return false;
  *has_bits = parts.size() == 3;
  if (*has_bits) {
    char* end = nullptr;
    long b = std::strtol(parts[2].c_str(), &end, 10);
    if (!end || *end != '\0') return false;
    *bits = static_cast<int>(b);
  }
  return true;
}

Prim PackedFloat(bool is_float16, const std::string& title) {
  Prim p;
  double low = 0, high = 0;
  int bits = 0;
  bool has_bits = false;
  bool ok = ParseRange(title, &low, &high, &bits, &has_bits);
  if (!is_float16) {
    if (!ok) {
      p.kind = PrimKind::kDouble32AsFloat;
      return p;
    }
    if (!has_bits || bits < 2 || bits > 32) bits = 32;
  } else {
    if (!ok) {
      bits = 12;
    } else if (!has_bits || bits < 2 || bits > 32) {
      bits = 32;
    }
  }
  p.low = low;
  p.high = high;
  p.num_bits = bits;
  bool truncated = low == 0 && high == 0;
  if (is_float16) {
    p.kind = truncated ? PrimKind::kFloat16Trunc : PrimKind::kFloat16;
  } else {
    p.kind = truncated ? PrimKind::kDouble32Trunc : PrimKind::kDouble32;
  }
  return p;
}

Result<Prim> PrimFromStreamerType(int type, const std::string& title) {
  Prim p;
  switch (type) {
    case root_format::kBool: p.kind = PrimKind::kBool; break;
    case root_format::kChar: p.kind = PrimKind::kI8; break;
    case root_format::kUChar: p.kind = PrimKind::kU8; break;
    case root_format::kShort: p.kind = PrimKind::kI16; break;
    case root_format::kUShort: p.kind = PrimKind::kU16; break;
    case root_format::kInt: p.kind = PrimKind::kI32; break;
    case root_format::kUInt:
    case root_format::kCounter: p.kind = PrimKind::kU32; break;
    case root_format::kBits: p.kind = PrimKind::kBits; break;
    case root_format::kLong:
    case root_format::kLong64: p.kind = PrimKind::kI64; break;
    case root_format::kULong:
    case root_format::kULong64: p.kind = PrimKind::kU64; break;
    case root_format::kFloat: p.kind = PrimKind::kF32; break;
    case root_format::kDouble: p.kind = PrimKind::kF64; break;
    case root_format::kDouble32: return PackedFloat(false, title);
    case root_format::kFloat16: return PackedFloat(true, title);
    default:
      return Status::Unsupported("streamer type code " + std::to_string(type));
  }
  return p;
}

Result<Prim> PrimFromLeaf(const Leaf& leaf) {
  const std::string& c = leaf.class_name;
  Prim p;
  bool u = leaf.is_unsigned;
  if (c == "TLeafO") p.kind = PrimKind::kBool;
  else if (c == "TLeafB") p.kind = u ? PrimKind::kU8 : PrimKind::kI8;
  else if (c == "TLeafS") p.kind = u ? PrimKind::kU16 : PrimKind::kI16;
  else if (c == "TLeafI") p.kind = u ? PrimKind::kU32 : PrimKind::kI32;
  else if (c == "TLeafL" || c == "TLeafG") p.kind = u ? PrimKind::kU64 : PrimKind::kI64;
  else if (c == "TLeafF") p.kind = PrimKind::kF32;
  else if (c == "TLeafD") p.kind = PrimKind::kF64;
  else if (c == "TLeafF16") return PackedFloat(true, leaf.title);
  else if (c == "TLeafD32") return PackedFloat(false, leaf.title);
  else return Status::Unsupported("leaf class " + c);
  return p;
}

std::string LeafCppType(const Leaf& leaf) {
  const std::string& c = leaf.class_name;
  std::string t;
  if (c == "TLeafO") t = "Bool_t";
  else if (c == "TLeafB") t = leaf.is_unsigned ? "UChar_t" : "Char_t";
  else if (c == "TLeafS") t = leaf.is_unsigned ? "UShort_t" : "Short_t";
  else if (c == "TLeafI") t = leaf.is_unsigned ? "UInt_t" : "Int_t";
  else if (c == "TLeafL") t = leaf.is_unsigned ? "ULong64_t" : "Long64_t";
  else if (c == "TLeafG") t = leaf.is_unsigned ? "ULong_t" : "Long_t";
  else if (c == "TLeafF") t = "Float_t";
  else if (c == "TLeafD") t = "Double_t";
  else if (c == "TLeafF16") t = "Float16_t";
  else if (c == "TLeafD32") t = "Double32_t";
  else if (c == "TLeafC") t = "char*";
  else t = c;
  return t;
}

void ParseDims(const std::string& title, std::string* counter, std::vector<int32_t>* fixed) {
  size_t pos = 0;
  bool first = true;
  while ((pos = title.find('[', pos)) != std::string::npos) {
    size_t end = title.find(']', pos);
    if (end == std::string::npos) break;
    std::string g = Trim(title.substr(pos + 1, end - pos - 1));
    pos = end + 1;
    if (g.empty()) continue;
    bool digits = true, ident = true;
    for (char ch : g) {
      if (!std::isdigit(static_cast<unsigned char>(ch))) digits = false;
      if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.')) ident = false;
    }
    if (digits) {
      // A leaf's fLen (the product of the dimensions) is an int32: anything larger is a
      // corrupt title, not a shape (and must not overflow the products computed from it).
      int64_t d = g.size() <= 10 ? std::strtoll(g.c_str(), nullptr, 10) : -1;
      int64_t product = d;
      for (int32_t x : *fixed) {
        if (product >= 0 && product <= INT32_MAX) product *= x;
      }
      if (d < 0 || product > INT32_MAX) {
        fixed->clear();
        counter->clear();
        return;
      }
      fixed->push_back(static_cast<int32_t>(d));
    } else if (ident && first) {
      *counter = g;
    } else {
      fixed->clear();
      counter->clear();
      return;
    }
    first = false;
  }
}

std::optional<Prim> PrimFromTypeName(const std::string& n) {
  Prim p;
  if (n == "bool" || n == "Bool_t") p.kind = PrimKind::kBool;
  else if (n == "char" || n == "Char_t" || n == "signed char" || n == "int8_t") p.kind = PrimKind::kI8;
  else if (n == "unsigned char" || n == "UChar_t" || n == "uint8_t" || n == "Byte_t") p.kind = PrimKind::kU8;
  else if (n == "short" || n == "Short_t" || n == "int16_t") p.kind = PrimKind::kI16;
  else if (n == "unsigned short" || n == "UShort_t" || n == "uint16_t") p.kind = PrimKind::kU16;
  else if (n == "int" || n == "Int_t" || n == "int32_t") p.kind = PrimKind::kI32;
  else if (n == "unsigned int" || n == "UInt_t" || n == "uint32_t" || n == "unsigned") p.kind = PrimKind::kU32;
  else if (n == "long" || n == "Long_t" || n == "Long64_t" || n == "long long" || n == "int64_t") p.kind = PrimKind::kI64;
  else if (n == "unsigned long" || n == "ULong_t" || n == "ULong64_t" || n == "unsigned long long" || n == "uint64_t") p.kind = PrimKind::kU64;
  else if (n == "float" || n == "Float_t") p.kind = PrimKind::kF32;
  else if (n == "double" || n == "Double_t") p.kind = PrimKind::kF64;
  else if (n == "Double32_t") p.kind = PrimKind::kDouble32AsFloat;
  else if (n == "Float16_t") { p.kind = PrimKind::kFloat16Trunc; p.num_bits = 12; }
  else return std::nullopt;
  return p;
}

std::string StripPointer(std::string s) {
  while (!s.empty() && (s.back() == '*' || s.back() == ' ')) s.pop_back();
  if (s.rfind("const ", 0) == 0) s = s.substr(6);
  return s;
}

std::string NormalizeTypeName(std::string s) {
  std::string out;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && (std::isalnum(static_cast<unsigned char>(out.back())) || out.back() == '_'))
        out += ' ';
      continue;
    }
    if ((c == '<' || c == '>' || c == ',' || c == '*') && !out.empty() && out.back() == ' ')
      out.pop_back();
    out += c;
  }
  return Trim(out);
}

bool SplitTemplate(const std::string& name, std::string* tmpl, std::string* arg) {
  size_t lt = name.find('<');
  if (lt == std::string::npos || name.back() != '>') return false;
  *tmpl = Trim(name.substr(0, lt));
  *arg = name.substr(lt + 1, name.size() - lt - 2);
  return true;
}

std::vector<std::string> SplitTemplateArgs(const std::string& s) {
  std::vector<std::string> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<') ++depth;
    if (s[i] == '>') --depth;
    if (s[i] == ',' && depth == 0) {
      out.push_back(Trim(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  out.push_back(Trim(s.substr(start)));
  return out;
}

TemplateKind ClassifyTemplate(const std::string& tmpl) {
  if (tmpl == "vector" || tmpl == "std::vector" || tmpl == "set" || tmpl == "std::set" ||
      tmpl == "list" || tmpl == "std::list" || tmpl == "deque" || tmpl == "std::deque" ||
      tmpl == "unordered_set" || tmpl == "std::unordered_set" ||
      tmpl == "multiset" || tmpl == "std::multiset" || tmpl == "ROOT::VecOps::RVec") {
    return TemplateKind::kSequence;
  }
  if (tmpl == "map" || tmpl == "std::map" || tmpl == "unordered_map" ||
      tmpl == "std::unordered_map" || tmpl == "multimap" || tmpl == "std::multimap") {
    return TemplateKind::kMap;
  }
  if (tmpl == "bitset" || tmpl == "std::bitset") return TemplateKind::kBitset;
  if (tmpl == "pair" || tmpl == "std::pair") return TemplateKind::kPair;
  return TemplateKind::kClass;
}

Status UnsupportedBranch(const Branch& b, const std::string& cpp_type, const Status& why) {
  return Status::Unsupported("branch '" + b.path + "' of C++ type '" + cpp_type +
                             "' cannot be read yet (" + why.message() +
                             "); leave it out with -b/columns")
      .AddContext("branch '" + b.path + "'");
}


/// The streamer element a member branch stands for: element fID of class fClassName.
const StreamerElement* BranchElement(const Branch& b, const StreamerLookup& streamers) {
  if (b.id < 0 || !streamers) return nullptr;
  const StreamerInfo* info = streamers(b.element_class_name);
  if (!info || static_cast<size_t>(b.id) >= info->elements.size()) return nullptr;
  return &info->elements[static_cast<size_t>(b.id)];
}


std::string DeclaredTypeName(const Branch& b, const StreamerLookup& streamers) {
  if (b.parent == nullptr && !b.element_class_name.empty()) return b.element_class_name;
  if (const StreamerElement* e = BranchElement(b, streamers)) {
    // A base class's element is typed "BASE"; its name is the class.
    return e->element_class == "TStreamerBase" ? e->name : e->type_name;
  }
  return {};
}


bool IsGroupBranch(const Branch& b, const StreamerLookup& streamers) {
  return !b.branches.empty() && DeclaredTypeName(b, streamers) != "TClonesArray";
}


Result<Identified> IdentifyBranch(const Branch& b, const StreamerLookup& streamers) {
  Identified id;
  if (!b.branches.empty()) {
    id.kind = IsGroupBranch(b, streamers) ? BranchKind::kGroup : BranchKind::kClonesCount;
    return id;
  }
  if (b.leaves.size() > 1) {
    id.kind = BranchKind::kLeafList;
    return id;
  }
  // Numeric leaves (TBranch, or TBranchElement with a numeric TLeafElement).
  if (b.leaves.size() == 1) {
    const Leaf& leaf = *b.leaves[0];
    std::optional<Prim> prim;
    if (leaf.class_name == "TLeafElement") {
      int t = leaf.element_type;
      if (root_format::IsBasicArrayType(t)) t -= root_format::kOffsetL;
      if (root_format::IsBasicPointerType(t)) {
        // A variable array member "x[N]" of a split object: per entry a 1-byte flag, then
        // the values; the count comes from the entry's size (uproot: header_bytes=1).
        const StreamerElement* e = BranchElement(b, streamers);
        auto p = PrimFromStreamerType(t - root_format::kOffsetP, e ? e->title : std::string());
        if (!p.ok()) return UnsupportedBranch(b, e ? e->type_name : "", p.status());
        id.kind = BranchKind::kVarArray;
        id.prim = *p;
        id.cpp_type = (e ? e->type_name : std::string("?")) + "[" +
                      (e ? e->count_name : std::string("?")) + "]";
        return id;
      }
      if (root_format::IsBasicType(t) && t != root_format::kCharStar && t != root_format::kBits) {
        const StreamerElement* e = BranchElement(b, streamers);
        auto p = PrimFromStreamerType(t, e ? e->title : std::string());
        if (p.ok()) prim = *p;
        id.cpp_type = e ? e->type_name : ("type " + std::to_string(t));
      }
    } else if (leaf.class_name != "TLeafC" && leaf.class_name != "TLeafObject") {
      auto p = PrimFromLeaf(leaf);
      if (!p.ok()) return UnsupportedBranch(b, leaf.class_name, p.status());
      prim = *p;
      id.cpp_type = LeafCppType(leaf);
    }
    if (prim) {
      id.kind = BranchKind::kNumericLeaf;
      id.prim = *prim;
      return id;
    }
    id.cpp_type.clear();
  }
  if (b.streamer_type == root_format::kTString && b.is_element()) {
    id.kind = BranchKind::kString;
    id.cpp_type = "TString";
    return id;
  }
  if (b.leaves.size() == 1 && b.leaves[0]->class_name == "TLeafC") {
    id.kind = BranchKind::kString;
    id.cpp_type = "char*";
    return id;
  }
  id.kind = BranchKind::kObject;
  return id;
}

}  // namespace arrowroot::to_arrow
