// String columns: a TString member or a TLeafC per entry (read by the Node interpreter as a
// kString node), and the UTF-8 check and append every string value goes through (uproot
// interpretation/strings.py).
#include "arrowroot/to_arrow/kinds_internal.h"

namespace arrowroot::to_arrow {

namespace {

bool IsUtf8(const std::byte* p, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = static_cast<uint8_t>(p[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<uint8_t>(p[i + k]) >> 6) != 2) return false;
    }
    i += len;
  }
  return true;
}

}  // namespace

Node StringNode(bool header) {
  Node n;
  n.kind = Node::Kind::kString;
  n.header = header;
  return n;
}

void PlanString(ColumnPlan& plan, const std::string& root_type) {
  plan.mode = ColumnPlan::Mode::kPerEntry;
  plan.node = StringNode(false);
  plan.root_type = root_type;
}

Status AppendUtf8(const std::byte* p, size_t len, ArrayBuilder& out) {
  RETURN_IF_ERROR(out.CheckOffsetRoom(len));
  if (!IsUtf8(p, len)) return Status::Unsupported("string is not valid UTF-8");
  auto& bytes = out.bytes();
  bytes.insert(bytes.end(), reinterpret_cast<const uint8_t*>(p),
               reinterpret_cast<const uint8_t*>(p) + len);
  out.offsets().push_back(static_cast<int32_t>(bytes.size()));
  out.AddLength(1);
  return Status::OK();
}

}  // namespace arrowroot::to_arrow
