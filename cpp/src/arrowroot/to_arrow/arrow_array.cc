#include "arrowroot/to_arrow/arrow_array.h"

#include <cerrno>

#include <algorithm>
#include <cstring>
#include <limits>

namespace arrowroot::to_arrow {

std::string DataType::Format() const {
  switch (id) {
    case TypeId::kBool: return "b";
    case TypeId::kInt8: return "c";
    case TypeId::kUInt8: return "C";
    case TypeId::kInt16: return "s";
    case TypeId::kUInt16: return "S";
    case TypeId::kInt32: return "i";
    case TypeId::kUInt32: return "I";
    case TypeId::kInt64: return "l";
    case TypeId::kUInt64: return "L";
    case TypeId::kFloat32: return "f";
    case TypeId::kFloat64: return "g";
    case TypeId::kUtf8: return "u";
    case TypeId::kBinary: return "z";
    case TypeId::kList: return "+l";
    case TypeId::kFixedSizeList: return "+w:" + std::to_string(list_size);
    case TypeId::kStruct: return "+s";
    case TypeId::kMap: return "+m";
  }
  return "?";
}

std::string DataType::ToString() const {
  switch (id) {
    case TypeId::kBool: return "bool";
    case TypeId::kInt8: return "int8";
    case TypeId::kUInt8: return "uint8";
    case TypeId::kInt16: return "int16";
    case TypeId::kUInt16: return "uint16";
    case TypeId::kInt32: return "int32";
    case TypeId::kUInt32: return "uint32";
    case TypeId::kInt64: return "int64";
    case TypeId::kUInt64: return "uint64";
    case TypeId::kFloat32: return "float32";
    case TypeId::kFloat64: return "float64";
    case TypeId::kUtf8: return "string";
    case TypeId::kBinary: return "binary";
    case TypeId::kList: return "list<" + children[0].type->ToString() + ">";
    case TypeId::kFixedSizeList:
      return "fixed_size_list<" + children[0].type->ToString() + ", " +
             std::to_string(list_size) + ">";
    case TypeId::kMap:
      return "map<" + children[0].type->children[0].type->ToString() + ", " +
             children[0].type->children[1].type->ToString() + ">";
    case TypeId::kStruct: {
      std::string s = "struct<";
      for (size_t i = 0; i < children.size(); ++i) {
        if (i) s += ", ";
        s += children[i].name + ": " + children[i].type->ToString();
      }
      return s + ">";
    }
  }
  return "?";
}

int DataType::ByteWidth() const {
  switch (id) {
    case TypeId::kBool:
    case TypeId::kInt8:
    case TypeId::kUInt8: return 1;
    case TypeId::kInt16:
    case TypeId::kUInt16: return 2;
    case TypeId::kInt32:
    case TypeId::kUInt32:
    case TypeId::kFloat32: return 4;
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kFloat64: return 8;
    default: return 0;
  }
}

std::shared_ptr<DataType> MakePrimitive(TypeId id) {
  auto t = std::make_shared<DataType>();
  t->id = id;
  return t;
}
std::shared_ptr<DataType> MakeList(std::shared_ptr<DataType> item, bool nullable_items) {
  auto t = std::make_shared<DataType>();
  t->id = TypeId::kList;
  t->children.push_back({"item", std::move(item), nullable_items});
  return t;
}
std::shared_ptr<DataType> MakeFixedSizeList(std::shared_ptr<DataType> item, int32_t n) {
  auto t = std::make_shared<DataType>();
  t->id = TypeId::kFixedSizeList;
  t->list_size = n;
  t->children.push_back({"item", std::move(item)});
  return t;
}
std::shared_ptr<DataType> MakeMap(std::shared_ptr<DataType> key, std::shared_ptr<DataType> value) {
  auto t = std::make_shared<DataType>();
  t->id = TypeId::kMap;
  t->children.push_back({"entries", MakeStruct({{"key", std::move(key)}, {"value", std::move(value)}})});
  return t;
}
std::shared_ptr<DataType> MakeStruct(std::vector<Field> fields) {
  auto t = std::make_shared<DataType>();
  t->id = TypeId::kStruct;
  t->children = std::move(fields);
  return t;
}

ArrayBuilder::ArrayBuilder(std::shared_ptr<DataType> type) : type_(std::move(type)) {
  for (const auto& c : type_->children) children_.push_back(std::make_unique<ArrayBuilder>(c.type));
  if (type_->id == TypeId::kList || type_->id == TypeId::kMap || type_->id == TypeId::kUtf8 || type_->id == TypeId::kBinary) {
    offsets_.push_back(0);
  }
}

Status ArrayBuilder::CheckOffsetRoom(uint64_t n) const {
  uint64_t cur = offsets_.empty() ? 0 : static_cast<uint64_t>(offsets_.back());
  if (cur + n > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
    return Status::InvalidArgument(
        "a batch column would exceed 2^31 list elements or string bytes; use a smaller "
        "batch size");
  }
  return Status::OK();
}

void ArrayBuilder::AppendDefault() {
  switch (type_->id) {
    case TypeId::kUtf8:
    case TypeId::kBinary:
    case TypeId::kList:
    case TypeId::kMap: {
      const int32_t end = offsets_.back();  // a copy: push_back may move the storage
      offsets_.push_back(end);
      break;
    }
    case TypeId::kFixedSizeList:
      for (int32_t k = 0; k < type_->list_size; ++k) children_[0]->AppendDefault();
      break;
    case TypeId::kStruct:
      for (auto& c : children_) c->AppendDefault();
      break;
    default:
      values_.resize(values_.size() + static_cast<size_t>(std::max(1, type_->ByteWidth())), 0);
  }
  ++length_;
}

void ArrayBuilder::AppendNull() {
  valid_.resize(static_cast<size_t>(length_), 1);
  AppendDefault();
  valid_.push_back(0);
  ++null_count_;
}

void ArrayBuilder::ReserveScaled(double factor) {
  if (!(factor > 1.0)) return;
  auto scaled = [factor](size_t n) { return static_cast<size_t>(static_cast<double>(n) * factor) + 64; };
  if (!values_.empty()) values_.reserve(scaled(values_.size()));
  if (offsets_.size() > 1) offsets_.reserve(scaled(offsets_.size()));
  for (auto& c : children_) c->ReserveScaled(factor);
}

uint64_t ArrayBuilder::num_bytes() const {
  uint64_t n = values_.size() + offsets_.size() * 4;
  for (const auto& c : children_) n += c->num_bytes();
  return n;
}

Result<std::shared_ptr<ArrayData>> ArrayBuilder::Finish() {
  auto out = std::make_shared<ArrayData>();
  out->type = type_;
  out->length = length_;
  switch (type_->id) {
    case TypeId::kBool: {
      Buffer bits((static_cast<size_t>(length_) + 7) / 8, 0);
      for (int64_t i = 0; i < length_; ++i) {
        if (values_[static_cast<size_t>(i)]) bits[static_cast<size_t>(i) >> 3] |= uint8_t(1u << (i & 7));
      }
      out->buffers.push_back(std::move(bits));
      break;
    }
    case TypeId::kUtf8:
    case TypeId::kBinary:
    case TypeId::kList:
    case TypeId::kMap: {
      out->buffers.push_back(std::move(offsets_).Reinterpret<uint8_t>());
      if (type_->id != TypeId::kList && type_->id != TypeId::kMap) out->buffers.push_back(std::move(values_));
      break;
    }
    case TypeId::kFixedSizeList:
    case TypeId::kStruct:
      break;
    default:
      out->buffers.push_back(std::move(values_));
  }
  for (auto& c : children_) {
    ASSIGN_OR_RETURN(auto child, c->Finish());
    out->children.push_back(std::move(child));
  }
  if (null_count_ > 0) {
    valid_.resize(static_cast<size_t>(length_), 1);
    out->validity = Buffer((static_cast<size_t>(length_) + 7) / 8, 0);
    for (int64_t i = 0; i < length_; ++i) {
      if (valid_[static_cast<size_t>(i)]) out->validity[static_cast<size_t>(i) >> 3] |= uint8_t(1u << (i & 7));
    }
    out->null_count = null_count_;
  }
  // Reset for reuse.
  valid_ = {};
  null_count_ = 0;
  length_ = 0;
  values_ = {};
  offsets_ = {};
  if (type_->id == TypeId::kList || type_->id == TypeId::kMap || type_->id == TypeId::kUtf8 || type_->id == TypeId::kBinary) {
    offsets_.push_back(0);
  }
  return out;
}

// ---- C Data Interface export ----

namespace {

struct SchemaPrivate {
  std::string format;
  std::string name;
  std::vector<ArrowSchema*> child_ptrs;
  std::vector<ArrowSchema> children;
};

void ReleaseSchema(ArrowSchema* s) {
  if (!s || !s->release) return;
  auto* p = static_cast<SchemaPrivate*>(s->private_data);
  for (auto& c : p->children) {
    if (c.release) c.release(&c);
  }
  delete p;
  s->release = nullptr;
}

void FillSchema(const std::string& name, const DataType& type, bool nullable, ArrowSchema* out) {
  auto* p = new SchemaPrivate();
  p->format = type.Format();
  p->name = name;
  p->children.resize(type.children.size());
  for (size_t i = 0; i < type.children.size(); ++i) {
    FillSchema(type.children[i].name, *type.children[i].type, type.children[i].nullable,
               &p->children[i]);
    p->child_ptrs.push_back(&p->children[i]);
  }
  out->format = p->format.c_str();
  out->name = p->name.c_str();
  out->metadata = nullptr;
  out->flags = nullable ? ARROW_FLAG_NULLABLE : 0;
  out->n_children = static_cast<int64_t>(p->children.size());
  out->children = p->child_ptrs.empty() ? nullptr : p->child_ptrs.data();
  out->dictionary = nullptr;
  out->release = ReleaseSchema;
  out->private_data = p;
}

struct ArrayPrivate {
  std::shared_ptr<ArrayData> keep;  // owns the buffers
  std::vector<const void*> buffer_ptrs;
  std::vector<ArrowArray> children;
  std::vector<ArrowArray*> child_ptrs;
};

void ReleaseArray(ArrowArray* a) {
  if (!a || !a->release) return;
  auto* p = static_cast<ArrayPrivate*>(a->private_data);
  for (auto& c : p->children) {
    if (c.release) c.release(&c);
  }
  delete p;
  a->release = nullptr;
}

// Zero-length buffers still need a valid pointer for some consumers.
const uint8_t kEmpty[8] = {0, 0, 0, 0, 0, 0, 0, 0};

void FillArray(std::shared_ptr<ArrayData> data, ArrowArray* out) {
  auto* p = new ArrayPrivate();
  p->keep = data;
  // A slice exports its base's buffers and children with an offset.
  const ArrayData& src = data->base ? *data->base : *data;
  p->buffer_ptrs.push_back(src.null_count > 0 ? src.validity.data() : nullptr);
  for (const auto& b : src.buffers) p->buffer_ptrs.push_back(b.empty() ? kEmpty : b.data());
  p->children.resize(src.children.size());
  for (size_t i = 0; i < src.children.size(); ++i) {
    FillArray(src.children[i], &p->children[i]);
    p->child_ptrs.push_back(&p->children[i]);
  }
  out->length = data->length;
  out->null_count = data->null_count;
  out->offset = data->base ? data->offset : 0;
  out->n_buffers = static_cast<int64_t>(p->buffer_ptrs.size());
  out->n_children = static_cast<int64_t>(p->children.size());
  out->buffers = p->buffer_ptrs.data();
  out->children = p->child_ptrs.empty() ? nullptr : p->child_ptrs.data();
  out->dictionary = nullptr;
  out->release = ReleaseArray;
  out->private_data = p;
}

}  // namespace

std::shared_ptr<ArrayData> Slice(std::shared_ptr<const ArrayData> whole, int64_t offset,
                                 int64_t length) {
  if (whole->base) {  // a slice of a slice: of the same base
    offset += whole->offset;
    whole = whole->base;
  }
  auto s = std::make_shared<ArrayData>();
  s->type = whole->type;
  s->length = length;
  s->offset = offset;
  if (whole->null_count > 0) {
    const uint8_t* bits = whole->validity.data();
    int64_t valid = 0;
    for (int64_t i = offset; i < offset + length; ++i) valid += (bits[i >> 3] >> (i & 7)) & 1;
    s->null_count = length - valid;
  }
  s->base = std::move(whole);
  return s;
}

void ExportField(const Field& field, ArrowSchema* out) {
  FillSchema(field.name, *field.type, field.nullable, out);
}

void ExportSchema(const std::vector<Field>& fields, ArrowSchema* out) {
  FillSchema("", *MakeStruct(fields), false, out);
}

void ExportBatch(const RecordBatch& batch, ArrowArray* out) {
  auto s = std::make_shared<ArrayData>();
  s->type = MakeStruct(batch.fields);
  s->length = batch.num_rows;
  s->children = batch.columns;
  FillArray(s, out);
}

// ---- ArrowArrayStream ----

namespace {

struct BatchStreamPrivate {
  std::vector<Field> fields;
  BatchSource next;
  std::string last_error;
};

int BatchStreamGetSchema(ArrowArrayStream* s, ArrowSchema* out) {
  ExportSchema(static_cast<BatchStreamPrivate*>(s->private_data)->fields, out);
  return 0;
}

int BatchStreamGetNext(ArrowArrayStream* s, ArrowArray* out) {
  auto* p = static_cast<BatchStreamPrivate*>(s->private_data);
  auto r = p->next();
  if (!r.ok()) {
    p->last_error = r.status().ToString();
    return StreamErrno(r.status());
  }
  if (!r->has_value()) {
    out->release = nullptr;  // end of stream
    return 0;
  }
  ExportBatch(**r, out);
  return 0;
}

const char* BatchStreamLastError(ArrowArrayStream* s) {
  auto* p = static_cast<BatchStreamPrivate*>(s->private_data);
  return p->last_error.empty() ? nullptr : p->last_error.c_str();
}

void BatchStreamRelease(ArrowArrayStream* s) {
  if (!s || !s->release) return;
  delete static_cast<BatchStreamPrivate*>(s->private_data);
  s->release = nullptr;
}

}  // namespace

int StreamErrno(const Status& status) {
  // The C Stream Interface returns errno values; the message goes through get_last_error.
  return status.code() == StatusCode::kIOError ? EIO : EINVAL;
}

void ExportBatchStream(std::vector<Field> fields, BatchSource next, ArrowArrayStream* out) {
  auto p = std::make_unique<BatchStreamPrivate>();
  p->fields = std::move(fields);
  p->next = std::move(next);
  out->get_schema = BatchStreamGetSchema;
  out->get_next = BatchStreamGetNext;
  out->get_last_error = BatchStreamLastError;
  out->release = BatchStreamRelease;
  out->private_data = p.release();
}

void ExportBatchStream(std::vector<Field> fields, std::vector<RecordBatch> batches,
                       ArrowArrayStream* out) {
  // Each batch is handed over as it is exported: the exported array then keeps its buffers
  // alive on its own.
  auto list = std::make_shared<std::vector<RecordBatch>>(std::move(batches));
  size_t i = 0;
  ExportBatchStream(
      std::move(fields),
      [list, i]() mutable -> Result<std::optional<RecordBatch>> {
        if (i >= list->size()) return std::optional<RecordBatch>();
        return std::optional<RecordBatch>(std::move((*list)[i++]));
      },
      out);
}

}  // namespace arrowroot::to_arrow
