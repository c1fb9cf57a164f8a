// Nested field selection (ScanOptions::fields): which fields of a struct column a scan keeps,
// and the column's Arrow type and arrays with only those. Pure: no I/O.
//
// A selection is a tree of field names below one column, built from paths {column, field,
// subfield, ...}. Paths go through lists, fixed-size lists and nullable values transparently
// (the struct items of a list<struct> are addressed by their field names directly); through a
// map they name "key" or "value" (an entry always keeps both: the other is kept whole). A path
// that ends at a struct keeps it whole. The kept fields stay in the column's own order.
//
// The readers prune what they fetch by it (TTree: a group's sub-branches; RNTuple: a record's
// subfields, rntuple_fields.h PruneField); ProjectType/ProjectArray serve a branch whose one
// basket holds a whole struct (it is read, then projected).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "arrowroot/common/status.h"
#include "arrowroot/to_arrow/arrow_array.h"

namespace arrowroot::to_arrow {

/// The fields kept below one column (or one of its fields).
struct NamedFieldSelection;

struct FieldSelection {
  /// Keep everything below (a path ended here, or no path names the column).
  bool whole = false;
  /// The named fields, each with what is kept below it, in the order first named.
  /// (A vector of a type completed below: std::pair<std::string, FieldSelection> here would
  /// need FieldSelection complete, which clang's libstdc++ checks refuse.)
  std::vector<NamedFieldSelection> fields;

  /// The selection of field `name`, or nullptr when it is not named.
  const FieldSelection* Find(const std::string& name) const;
  /// Add `path[from...]`: an empty remainder (the path ends at this node) keeps it whole,
  /// which no longer path then narrows.
  void Add(const std::vector<std::string>& path, size_t from);
};

/// One named field of a selection and what is kept below it.
struct NamedFieldSelection {
  std::string first;      ///< the field's name
  FieldSelection second;  ///< what is kept of it
};

/// Where a selection failed, for messages: "column 'track', at 'track/origin'".
std::string DescribeFieldPath(const std::string& column, const std::string& at);

/// NotFound: the struct at `at` has no field `name`; the message lists the fields it has.
Status UnknownField(const std::string& column, const std::string& at, const std::string& name,
                    const std::vector<std::string>& fields);

/// InvalidArgument: a path continues below `at`, which holds `type` (not a struct).
Status NotAStruct(const std::string& column, const std::string& at, const std::string& type);

/// The names of the fields `sel` names that `available` lacks: the first, as UnknownField.
Status CheckFieldsExist(const FieldSelection& sel, const std::vector<std::string>& available,
                        const std::string& column, const std::string& at);

/// `type` with only the fields `sel` keeps (the same pointer when `sel` is whole). `column`
/// and `at` (the path so far, dotted) name it in errors: NotFound for a field the struct lacks,
/// InvalidArgument for a path into a type that holds no struct.
Result<std::shared_ptr<DataType>> ProjectType(const std::shared_ptr<DataType>& type,
                                              const FieldSelection& sel,
                                              const std::string& column, const std::string& at);

/// Turn `data`, built whole with the column's full type (not a slice), into an array of
/// `type` (ProjectType's result for it): the struct children it does not keep are dropped, the
/// rest moved (no values are copied).
void ProjectArray(ArrayData& data, const std::shared_ptr<DataType>& type);

}  // namespace arrowroot::to_arrow
