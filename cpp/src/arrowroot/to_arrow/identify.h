// Identification: which kind of column a branch is and how its values are typed, from the
// branch, its leaves and the streamer infos alone — pure functions, no bytes read (uproot
// interpretation/identify.py). The per-kind units (decode_fixed.cc, decode_jagged.cc,
// decode_strings.cc, plan_objects.cc + decode_objects.cc) build the plan for what is found
// here; column_plan.cc dispatches. Internal to to_arrow; table-tested in identify_test.cc.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "arrowroot/common/status.h"
#include "arrowroot/root_format/model.h"
#include "arrowroot/to_arrow/column_plan.h"

namespace arrowroot::to_arrow {

// --- values: leaves, streamer type codes and C++ type names → wire primitives --------------

/// Float16_t / Double32_t range "[low, high(, bits)]" in a title (ROOT TStreamerElement::
/// GetRange; uproot identify.py _float16_or_double32). Returns false if there is none.
bool ParseRange(const std::string& title, double* low, double* high, int* bits, bool* has_bits);
/// The packed Float16_t (`is_float16`) or Double32_t whose range, if any, is in `title`.
Prim PackedFloat(bool is_float16, const std::string& title);
/// A streamer type code 1..19 (ROOT TVirtualStreamerInfo EReadWrite) as a wire primitive.
Result<Prim> PrimFromStreamerType(int type, const std::string& title);
/// A numeric TLeaf (TLeafO/B/S/I/L/G/F/D/F16/D32) as a wire primitive.
Result<Prim> PrimFromLeaf(const root_format::Leaf& leaf);
/// The C++ type a leaf stands for, for display ("Float_t", "ULong64_t", "char*").
std::string LeafCppType(const root_format::Leaf& leaf);
/// A C++ basic type name ("float", "ULong64_t", "Double32_t") as a wire primitive.
std::optional<Prim> PrimFromTypeName(const std::string& name);
/// Dimensions from a leaf title: "x[n][3]" → counter "n", fixed {3}. Only groups that are a
/// number or an identifier count (a Double32 title "d[-2.71,10,30]" has neither).
void ParseDims(const std::string& title, std::string* counter, std::vector<int32_t>* fixed);

// --- C++ type names ---------------------------------------------------------------------------

std::string Trim(std::string s);
/// One spelling of a type name: no space but between words ("vector<vector<float>>").
std::string NormalizeTypeName(std::string s);
/// Without trailing `*` and spaces, and without a leading "const ".
std::string StripPointer(std::string s);
/// "map<int,float>" → tmpl "map", arg "int,float"; false if `name` is not a template.
bool SplitTemplate(const std::string& name, std::string* tmpl, std::string* arg);
/// Template arguments split at the top-level commas, each trimmed.
std::vector<std::string> SplitTemplateArgs(const std::string& s);

/// What a template stands for as a column (uproot identify.py _parse_node).
enum class TemplateKind {
  kSequence,  ///< vector, set, list, deque, unordered_set, multiset, RVec → list
  kMap,       ///< map, unordered_map, multimap → map
  kBitset,    ///< bitset → list<bool>
  kPair,      ///< pair → struct {first, second}
  kClass,     ///< any other template is a class with a streamer info
};
TemplateKind ClassifyTemplate(const std::string& tmpl);

// --- branches ---------------------------------------------------------------------------------

/// Which plan unit reads a branch.
enum class BranchKind {
  kGroup,        ///< sub-branches and no data of its own: read as a struct of them
  kClonesCount,  ///< a split TClonesArray's top branch: int32 objects per entry (fixed)
  kNumericLeaf,  ///< one numeric leaf: fixed (x, x[3]) or jagged by a counter leaf (x[n])
  kVarArray,     ///< a split object's `T* x; //[n]` member: flag byte + values (jagged)
  kLeafList,     ///< several leaves "x/D:y/I": a struct of fixed fields (fixed)
  kString,       ///< a TString member or a TLeafC (strings)
  kObject,       ///< objects, STL containers and other members (objects)
};

struct Identified {
  BranchKind kind = BranchKind::kObject;
  Prim prim;             ///< kNumericLeaf, kVarArray: one value
  std::string cpp_type;  ///< kNumericLeaf: one value's C++ type; kVarArray: "T[n]";
                         ///< kString: "TString" or "char*"
};

/// Identify a branch. Errors are the Unsupported of UnsupportedBranch, as PlanColumn returns.
Result<Identified> IdentifyBranch(const root_format::Branch& branch,
                                  const StreamerLookup& streamers);

/// The streamer element a member branch stands for: element fID of class fClassName.
const root_format::StreamerElement* BranchElement(const root_format::Branch& b,
                                                  const StreamerLookup& streamers);

/// "branch 'x' of C++ type 'T' cannot be read yet (why); leave it out with -b/columns".
Status UnsupportedBranch(const root_format::Branch& b, const std::string& cpp_type,
                         const Status& why);

}  // namespace arrowroot::to_arrow
