// PlanColumn: identify the branch (identify.cc), let its kind's unit build the plan
// (kinds_internal.h), then type the plan's node tree once.
#include "arrowroot/to_arrow/column_plan.h"

#include "arrowroot/to_arrow/identify.h"
#include "arrowroot/to_arrow/kinds_internal.h"

namespace arrowroot::to_arrow {

using root_format::Branch;
using root_format::Leaf;

namespace {

Result<ColumnPlan> Finish(ColumnPlan plan) {
  RETURN_IF_ERROR(FinalizeTypes(plan.node));
  if (!plan.node.type) {
    // A base class or TObject alone: nothing of it becomes a value at this level.
    return UnsupportedBranch(*plan.branch, plan.root_type,
                             Status::Unsupported("a base class with no members of its own"));
  }
  if (plan.mode == ColumnPlan::Mode::kJagged) {
    plan.type = MakeList(plan.node.type, plan.node.nullable());
  } else {
    plan.type = plan.node.type;
  }
  return plan;
}

}  // namespace

Result<ColumnPlan> PlanColumn(const Branch& b, const StreamerLookup& streamers) {
  ColumnPlan plan;
  plan.branch = &b;
  plan.name = b.path;
  ASSIGN_OR_RETURN(Identified id, IdentifyBranch(b, streamers));
  switch (id.kind) {
    case BranchKind::kGroup:
      return Status::InvalidArgument("branch '" + b.path + "' has " +
                                     std::to_string(b.branches.size()) +
                                     " sub-branches and no data of its own; read it as a group "
                                     "of its sub-branches");
    case BranchKind::kClonesCount:
      PlanClonesCount(plan);
      break;
    case BranchKind::kNumericLeaf: {
      const Leaf& leaf = *b.leaves[0];
      if (leaf.leaf_count) {
        PlanJaggedLeaf(plan, leaf, id.prim, id.cpp_type);
      } else {
        PlanFixedLeaf(plan, leaf, id.prim, id.cpp_type);
      }
      break;
    }
    case BranchKind::kVarArray:
      PlanVarArray(plan, *b.leaves[0], id.prim, id.cpp_type);
      break;
    case BranchKind::kLeafList:
      RETURN_IF_ERROR(PlanLeafList(plan, b));
      break;
    case BranchKind::kString:
      PlanString(plan, id.cpp_type);
      break;
    case BranchKind::kObject:
      RETURN_IF_ERROR(PlanObject(plan, b, streamers));
      break;
  }
  return Finish(std::move(plan));
}

}  // namespace arrowroot::to_arrow
