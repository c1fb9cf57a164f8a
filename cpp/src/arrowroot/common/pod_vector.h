// A growable array of trivially copyable values that does not zero what it allocates and grows
// with realloc. Basket bytes and Arrow buffers are written in full right after they are sized,
// so std::vector's value-initialisation was a wasted pass over every byte (a memset, plus the
// page faults it takes first); and realloc lets glibc move big (mmap-backed) blocks by
// remapping pages instead of copying them when a builder grows.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace arrowroot {

template <typename T>
class PodVector {
  static_assert(std::is_trivially_copyable_v<T>, "PodVector holds plain values only");

 public:
  using value_type = T;
  using size_type = size_t;
  using iterator = T*;
  using const_iterator = const T*;

  PodVector() = default;
  /// `n` values, left uninitialised: the caller writes them.
  explicit PodVector(size_t n) { resize(n); }
  PodVector(size_t n, const T& v) { resize(n, v); }
  PodVector(std::initializer_list<T> init) { assign(init.begin(), init.end()); }
  template <typename It, typename = std::enable_if_t<!std::is_integral_v<It>>>
  PodVector(It first, It last) {
    assign(first, last);
  }
  PodVector(const PodVector& o) { assign(o.begin(), o.end()); }
  PodVector(PodVector&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)),
        size_(std::exchange(o.size_, 0)),
        cap_(std::exchange(o.cap_, 0)) {}
  PodVector& operator=(const PodVector& o) {
    if (this != &o) assign(o.begin(), o.end());
    return *this;
  }
  PodVector& operator=(PodVector&& o) noexcept {
    if (this != &o) {
      std::free(data_);
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
      cap_ = std::exchange(o.cap_, 0);
    }
    return *this;
  }
  ~PodVector() { std::free(data_); }

  size_t size() const { return size_; }
  size_t capacity() const { return cap_; }
  bool empty() const { return size_ == 0; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T& front() { return data_[0]; }
  T& back() { return data_[size_ - 1]; }
  const T& back() const { return data_[size_ - 1]; }

  void reserve(size_t n) {
    if (n > cap_) Reallocate(n);
  }
  /// Grow or shrink; new values are uninitialised.
  void resize(size_t n) {
    if (n > cap_) Reallocate(std::max(n, Grown()));
    size_ = n;
  }
  void resize(size_t n, const T& v) {
    size_t old = size_;
    resize(n);
    std::fill(data_ + std::min(old, n), data_ + n, v);
  }
  void clear() { size_ = 0; }
  void push_back(const T& v) {
    if (size_ == cap_) Reallocate(Grown());
    data_[size_++] = v;
  }
  void pop_back() { --size_; }
  template <typename It>
  void assign(It first, It last) {
    size_ = 0;
    append(first, last);
  }
  /// Append [first, last); `pos` must be end() (the only insertion used).
  template <typename It>
  T* insert(T* pos, It first, It last) {
    size_t at = static_cast<size_t>(pos - data_);
    append(first, last);
    return data_ + at;
  }
  template <typename It>
  void append(It first, It last) {
    const size_t n = static_cast<size_t>(std::distance(first, last));
    const size_t old = size_;
    resize(old + n);
    if constexpr (std::is_pointer_v<It>) {
      if (n) std::memcpy(data_ + old, first, n * sizeof(T));
    } else {
      std::copy(first, last, data_ + old);
    }
  }
  void shrink_to_fit() {
    if (size_ == 0) {
      std::free(data_);
      data_ = nullptr;
      cap_ = 0;
    } else if (size_ < cap_) {
      Reallocate(size_);
    }
  }
  void swap(PodVector& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(cap_, o.cap_);
  }

  /// Hand the allocation over as another plain type (offsets stored as int32 become a byte
  /// buffer) without copying. The byte size must be a multiple of sizeof(U).
  template <typename U>
  PodVector<U> Reinterpret() && {
    PodVector<U> out;
    out.data_ = reinterpret_cast<U*>(std::exchange(data_, nullptr));
    out.size_ = std::exchange(size_, 0) * sizeof(T) / sizeof(U);
    out.cap_ = std::exchange(cap_, 0) * sizeof(T) / sizeof(U);
    return out;
  }

  friend bool operator==(const PodVector& a, const std::vector<T>& b) {
    return a.size_ == b.size() && (a.size_ == 0 || std::memcmp(a.data_, b.data(), a.size_ * sizeof(T)) == 0);
  }
  friend bool operator==(const PodVector& a, const PodVector& b) {
    return a.size_ == b.size_ && (a.size_ == 0 || std::memcmp(a.data_, b.data_, a.size_ * sizeof(T)) == 0);
  }

 private:
  template <typename U>
  friend class PodVector;

  size_t Grown() const { return cap_ < 8 ? 16 : cap_ + cap_ / 2; }
  void Reallocate(size_t n) {
    if (n > SIZE_MAX / sizeof(T)) throw std::bad_alloc();
    void* p = std::realloc(data_, std::max<size_t>(n, 1) * sizeof(T));
    if (!p) throw std::bad_alloc();
    data_ = static_cast<T*>(p);
    cap_ = n;
  }

  T* data_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
};

}  // namespace arrowroot
