// The JNI entry points of org.arrowroot.spark.Native: Java values in, connector.h calls, Java
// values or an org.arrowroot.spark.ArrowrootException out. Data never crosses here value by
// value: schemas and batches go through the Arrow C Data Interface structs whose addresses the
// Java side (arrow-c-data) allocated. One call per file described, per scan opened and per batch.
#include <jni.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arrowroot/arrowroot.h"
#include "connector.h"

namespace {

using arrowroot::Status;
using arrowroot::StatusCode;

// The Python package's class for each code (python/arrowroot/_errors.py), so a message reads
// the same from Python, the CLI's error lines and Spark: "arrowroot.NotFoundError: ...".
const char* ErrorClass(StatusCode code) {
  switch (code) {
    case StatusCode::kNotFound: return "NotFoundError";
    case StatusCode::kCorruption: return "CorruptionError";
    case StatusCode::kUnsupported: return "UnsupportedError";
    case StatusCode::kInvalidArgument: return "InvalidArgumentError";
    case StatusCode::kIOError: return "ArrowrootIOError";
    case StatusCode::kCancelled: return "CancelledError";
    case StatusCode::kOk: break;
  }
  return "Error";
}

// Raise an ArrowrootException for `st` in the calling Java thread (the native method must
// return right after).
void Throw(JNIEnv* env, const Status& st) {
  if (env->ExceptionCheck()) return;  // a Java exception is already pending
  jclass cls = env->FindClass("org/arrowroot/spark/ArrowrootException");
  if (cls == nullptr) return;  // NoClassDefFoundError pending
  jmethodID ctor = env->GetMethodID(cls, "<init>", "(Ljava/lang/String;Ljava/lang/String;Z)V");
  if (ctor == nullptr) return;
  jstring kind = env->NewStringUTF(ErrorClass(st.code()));
  jstring message = env->NewStringUTF(st.ToString().c_str());
  if (kind == nullptr || message == nullptr) return;  // OutOfMemoryError pending
  auto exc = static_cast<jthrowable>(
      env->NewObject(cls, ctor, kind, message, static_cast<jboolean>(st.retryable())));
  if (exc != nullptr) env->Throw(exc);
}

// Java's modified UTF-8 differs from UTF-8 only for NUL and supplementary characters, which
// paths and option values do not carry in practice; GetStringUTFChars is exact for the rest.
bool ToString(JNIEnv* env, jstring s, std::string* out) {
  out->clear();
  if (s == nullptr) return true;
  const char* chars = env->GetStringUTFChars(s, nullptr);
  if (chars == nullptr) return false;
  out->assign(chars);
  env->ReleaseStringUTFChars(s, chars);
  return true;
}

bool ToStrings(JNIEnv* env, jobjectArray array, std::vector<std::string>* out) {
  out->clear();
  if (array == nullptr) return true;
  const jsize n = env->GetArrayLength(array);
  out->reserve(n);
  for (jsize i = 0; i < n; ++i) {
    auto s = static_cast<jstring>(env->GetObjectArrayElement(array, i));
    std::string value;
    const bool ok = ToString(env, s, &value);
    env->DeleteLocalRef(s);
    if (!ok) return false;
    out->push_back(std::move(value));
  }
  return true;
}

// Nested field paths (ScanOptions::fields) arrive as String[][]: one String[] per path.
bool ToPaths(JNIEnv* env, jobjectArray array, std::vector<std::vector<std::string>>* out) {
  out->clear();
  if (array == nullptr) return true;
  const jsize n = env->GetArrayLength(array);
  for (jsize i = 0; i < n; ++i) {
    auto path = static_cast<jobjectArray>(env->GetObjectArrayElement(array, i));
    std::vector<std::string> names;
    const bool ok = ToStrings(env, path, &names);
    env->DeleteLocalRef(path);
    if (!ok) return false;
    out->push_back(std::move(names));
  }
  return true;
}

// Storage options arrive as a flat array key0, value0, key1, value1, ...
bool ToStorage(JNIEnv* env, jobjectArray kv, arrowroot::StorageOptions* out) {
  std::vector<std::string> flat;
  if (!ToStrings(env, kv, &flat)) return false;
  out->clear();
  for (size_t i = 0; i + 1 < flat.size(); i += 2) out->emplace_back(flat[i], flat[i + 1]);
  return true;
}

jobjectArray NewStrings(JNIEnv* env, const std::vector<std::string>& values) {
  jclass string_class = env->FindClass("java/lang/String");
  if (string_class == nullptr) return nullptr;
  jobjectArray array = env->NewObjectArray(static_cast<jsize>(values.size()), string_class, nullptr);
  if (array == nullptr) return nullptr;
  for (size_t i = 0; i < values.size(); ++i) {
    jstring s = env->NewStringUTF(values[i].c_str());
    if (s == nullptr) return nullptr;
    env->SetObjectArrayElement(array, static_cast<jsize>(i), s);
    env->DeleteLocalRef(s);
  }
  return array;
}

jlongArray NewLongs(JNIEnv* env, const std::vector<int64_t>& values) {
  jlongArray array = env->NewLongArray(static_cast<jsize>(values.size()));
  if (array == nullptr) return nullptr;
  std::vector<jlong> copy(values.begin(), values.end());
  env->SetLongArrayRegion(array, 0, static_cast<jsize>(copy.size()), copy.data());
  return array;
}

arrowroot::jni::SparkScan* Handle(jlong handle) {
  return reinterpret_cast<arrowroot::jni::SparkScan*>(static_cast<intptr_t>(handle));
}

}  // namespace

extern "C" {

JNIEXPORT jint JNICALL Java_org_arrowroot_spark_Native_storageKeyKind(JNIEnv* env, jclass,
                                                                      jstring key) {
  std::string k;
  if (!ToString(env, key, &k)) return 0;
  return static_cast<jint>(arrowroot::StorageOptionKindOf(k));
}

JNIEXPORT jobjectArray JNICALL Java_org_arrowroot_spark_Native_glob(JNIEnv* env, jclass,
                                                                   jstring pattern,
                                                                   jobjectArray storage) {
  std::string p;
  arrowroot::StorageOptions options;
  if (!ToString(env, pattern, &p) || !ToStorage(env, storage, &options)) return nullptr;
  auto paths = arrowroot::Glob(p, options);
  if (!paths.ok()) {
    Throw(env, paths.status());
    return nullptr;
  }
  return NewStrings(env, *paths);
}

JNIEXPORT jobject JNICALL Java_org_arrowroot_spark_Native_describe(
    JNIEnv* env, jclass, jstring path, jstring tree, jobjectArray columns, jobjectArray fields,
    jobjectArray storage, jlong schema_address) {
  std::string p, t;
  std::vector<std::string> cols;
  std::vector<std::vector<std::string>> paths;
  arrowroot::StorageOptions options;
  if (!ToString(env, path, &p) || !ToString(env, tree, &t) || !ToStrings(env, columns, &cols) ||
      !ToPaths(env, fields, &paths) || !ToStorage(env, storage, &options)) {
    return nullptr;
  }
  auto* schema = reinterpret_cast<ArrowSchema*>(static_cast<intptr_t>(schema_address));
  auto d = arrowroot::jni::Describe(p, t, cols, paths, options, schema);
  if (!d.ok()) {
    Throw(env, d.status());
    return nullptr;
  }
  jclass cls = env->FindClass("org/arrowroot/spark/FileInfo");
  if (cls == nullptr) return nullptr;
  jmethodID ctor = env->GetMethodID(
      cls, "<init>", "(Ljava/lang/String;JD[J[Ljava/lang/String;[Ljava/lang/String;)V");
  if (ctor == nullptr) return nullptr;
  jstring tree_name = env->NewStringUTF(d->tree.c_str());
  jlongArray clusters = NewLongs(env, d->clusters);
  jobjectArray read = NewStrings(env, d->columns);
  jobjectArray left_out = NewStrings(env, d->left_out);
  if (!tree_name || !clusters || !read || !left_out) return nullptr;
  return env->NewObject(cls, ctor, tree_name, static_cast<jlong>(d->num_entries),
                        static_cast<jdouble>(d->bytes_per_entry), clusters, read, left_out);
}

JNIEXPORT jlong JNICALL Java_org_arrowroot_spark_Native_open(
    JNIEnv* env, jclass, jstring path, jstring tree, jobjectArray columns, jobjectArray fields,
    jlong entry_start, jlong entry_stop, jlong batch_size, jlong max_batch_bytes, jint threads,
    jobjectArray storage) {
  std::string p, t;
  arrowroot::ScanOptions scan;
  arrowroot::StorageOptions options;
  if (!ToString(env, path, &p) || !ToString(env, tree, &t) ||
      !ToStrings(env, columns, &scan.columns) || !ToPaths(env, fields, &scan.fields) ||
      !ToStorage(env, storage, &options)) {
    return 0;
  }
  scan.entry_start = entry_start;
  scan.entry_stop = entry_stop;
  scan.batch_size = batch_size;
  scan.max_batch_bytes = max_batch_bytes < 0 ? 0 : static_cast<uint64_t>(max_batch_bytes);
  scan.num_threads = threads;
  auto opened = arrowroot::jni::SparkScan::Open(p, t, scan, options);
  if (!opened.ok()) {
    Throw(env, opened.status());
    return 0;
  }
  return static_cast<jlong>(reinterpret_cast<intptr_t>(opened->release()));
}

JNIEXPORT void JNICALL Java_org_arrowroot_spark_Native_schema(JNIEnv* env, jclass, jlong handle,
                                                              jlong schema_address) {
  Status st = Handle(handle)->Schema(reinterpret_cast<ArrowSchema*>(
      static_cast<intptr_t>(schema_address)));
  if (!st.ok()) Throw(env, st);
}

JNIEXPORT jboolean JNICALL Java_org_arrowroot_spark_Native_next(JNIEnv* env, jclass, jlong handle,
                                                                jlong array_address) {
  auto more = Handle(handle)->Next(reinterpret_cast<ArrowArray*>(
      static_cast<intptr_t>(array_address)));
  if (!more.ok()) {
    Throw(env, more.status());
    return JNI_FALSE;
  }
  return *more ? JNI_TRUE : JNI_FALSE;
}

// {entries read, requests, bytes requested, bytes received, retries, full downloads,
//  microseconds waiting on storage}
JNIEXPORT jlongArray JNICALL Java_org_arrowroot_spark_Native_stats(JNIEnv* env, jclass,
                                                                   jlong handle) {
  const arrowroot::jni::SparkScan* scan = Handle(handle);
  const arrowroot::IoStats io = scan->io_stats();
  return NewLongs(env, {scan->entries_read(), static_cast<int64_t>(io.num_requests),
                        static_cast<int64_t>(io.num_bytes_requested),
                        static_cast<int64_t>(io.num_bytes_received),
                        static_cast<int64_t>(io.num_retries),
                        static_cast<int64_t>(io.num_full_downloads),
                        static_cast<int64_t>(io.io_wall_seconds * 1e6)});
}

JNIEXPORT void JNICALL Java_org_arrowroot_spark_Native_close(JNIEnv*, jclass, jlong handle) {
  delete Handle(handle);
}

}  // extern "C"
