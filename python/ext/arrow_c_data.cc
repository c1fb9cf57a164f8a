#include "arrow_c_data.h"

#include <cstdint>
#include <utility>

namespace arrowroot::python {
namespace {

/// What a view owns: the original (kept alive) and the child / dictionary structs it points to.
template <typename T>
struct ViewData {
  std::shared_ptr<const void> owner;
  std::vector<T> children;
  std::vector<T*> child_pointers;
  std::unique_ptr<T> dictionary;
};

template <typename T>
void ReleaseView(T* x) {
  auto* d = static_cast<ViewData<T>*>(x->private_data);
  // Children a consumer moved out were marked released; it releases them on its own.
  for (T& child : d->children) {
    if (child.release) child.release(&child);
  }
  if (d->dictionary && d->dictionary->release) d->dictionary->release(d->dictionary.get());
  delete d;
  x->release = nullptr;
}

/// ArrowSchema and ArrowArray share the fields a view rewrites (children, dictionary, release,
/// private_data); the rest (format/name/metadata or buffers and lengths) point into the original.
template <typename T>
void MakeView(const T& src, const std::shared_ptr<const void>& owner, T* out) {
  *out = src;
  auto d = std::make_unique<ViewData<T>>();
  d->owner = owner;
  const auto n = static_cast<size_t>(src.n_children);
  d->children.resize(n);
  d->child_pointers.resize(n);
  for (size_t i = 0; i < n; ++i) {
    MakeView(*src.children[i], owner, &d->children[i]);
    d->child_pointers[i] = &d->children[i];
  }
  if (src.dictionary) {
    d->dictionary = std::make_unique<T>();
    MakeView(*src.dictionary, owner, d->dictionary.get());
  }
  out->children = n ? d->child_pointers.data() : nullptr;
  out->dictionary = d->dictionary.get();
  out->release = &ReleaseView<T>;
  out->private_data = d.release();
}

struct ListStream {
  SharedSchema schema;
  std::vector<SharedArray> batches;
  size_t next = 0;
};

int ListGetSchema(ArrowArrayStream* s, ArrowSchema* out) {
  ShareSchema(static_cast<ListStream*>(s->private_data)->schema, out);
  return 0;
}

int ListGetNext(ArrowArrayStream* s, ArrowArray* out) {
  auto* p = static_cast<ListStream*>(s->private_data);
  if (p->next >= p->batches.size()) {
    out->release = nullptr;  // the end
    return 0;
  }
  // The view becomes the batch's only owner: released by the consumer, the batch is freed.
  SharedArray batch = std::move(p->batches[p->next++]);
  ShareArray(batch, out);
  return 0;
}

const char* ListLastError(ArrowArrayStream*) { return nullptr; }

void ListRelease(ArrowArrayStream* s) {
  if (!s || !s->release) return;
  delete static_cast<ListStream*>(s->private_data);
  s->release = nullptr;
}

}  // namespace

void ShareSchema(const SharedSchema& from, ArrowSchema* out) { MakeView(from->c, from, out); }

void ShareArray(const SharedArray& from, ArrowArray* out) { MakeView(from->c, from, out); }

void ExportArrayList(SharedSchema schema, std::vector<SharedArray> batches, ArrowArrayStream* out) {
  out->get_schema = ListGetSchema;
  out->get_next = ListGetNext;
  out->get_last_error = ListLastError;
  out->release = ListRelease;
  out->private_data = new ListStream{std::move(schema), std::move(batches), 0};
}

}  // namespace arrowroot::python
