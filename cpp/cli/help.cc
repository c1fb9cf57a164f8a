#include "help.h"

namespace arrowroot::cli {

const char* const kUsage =
    "usage: arrowroot ls FILE\n"
    "       arrowroot schema FILE:TREE\n"
    "       arrowroot cat FILE:TREE [-b BRANCH[,BRANCH...]]... [--start N] [--stop M]\n"
    "                     [--format jsonl|csv|table] [--batch-size N] [--threads N] [--stats]\n"
    "       arrowroot bench FILE:TREE [-b BRANCH[,BRANCH...]]... [--start N] [--stop M]\n"
    "                     [--threads N] [--repeat R] [--json]\n"
    "       arrowroot cp SRC... DEST [--recursive] [--include GLOB] [--jobs N] [--part-size SIZE]\n"
    "                     [--verify none|size|checksum|root] [--resume] [--dry-run]\n"
    "                     (SRC: path, http(s)://, s3://, hdfs://namenode:httpport/path;\n"
    "                      DEST: s3://bucket/prefix or a local path)\n"
    "       arrowroot doctor [--k8s] [--conf KEY=VALUE]... [--start] [--s3-url URL] [--json]\n"
    "                     (checks a Spark-on-Kubernetes setup; runs python -m arrowroot.doctor)\n"
    "       options for remote files (any command): --endpoint-url URL --region R\n"
    "                     --profile P --no-sign-request --read-timeout SECONDS\n"
    "FILE is a local path, or a file://, http(s):// or s3://bucket/key URL; TREE may include\n"
    "directories (dir/sub/tree). S3 credentials, region and endpoint come from the options\n"
    "above, else the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,\n"
    "AWS_REGION, AWS_ENDPOINT_URL, AWS_PROFILE) and ~/.aws/{credentials,config}, as the AWS CLI.\n"
    "`arrowroot CMD --help` describes each command's options and defaults.\n";

std::string CommandHelp(const std::string& cmd) {
  static const char* kRemote =
      "remote files (any command):\n"
      "  --endpoint-url URL    S3 endpoint (else AWS_ENDPOINT_URL, the profile, or AWS)\n"
      "  --region R            S3 region (else AWS_REGION, the profile, us-east-1)\n"
      "  --profile P           profile of ~/.aws/{credentials,config} (else AWS_PROFILE)\n"
      "  --no-sign-request     anonymous S3 requests (public buckets)\n"
      "  --read-timeout SEC    abandon and retry a transfer that stalls SEC seconds (default 30)\n"
      "Credentials come from the environment or the profile, never from arguments.\n";
  std::string h;
  if (cmd == "ls") {
    h = "usage: arrowroot ls FILE\n"
        "List the objects of a ROOT file: directories, trees (entries, branches), histograms.\n"
        "example: arrowroot ls s3://bucket/run1/events.root\n";
  } else if (cmd == "schema") {
    h = "usage: arrowroot schema FILE:TREE\n"
        "Print each branch of TREE with its ROOT type and the Arrow type it is read as.\n"
        "example: arrowroot schema Zmumu.root:events\n";
  } else if (cmd == "cat" || cmd == "bench") {
    h = cmd == "cat"
            ? "usage: arrowroot cat FILE:TREE [options]\n"
              "Print entries of TREE.\n"
            : "usage: arrowroot bench FILE:TREE [options]\n"
              "Read the selected branches R times and print rates (bytes, entries, seconds).\n";
    h += "  -b, --branches B[,B]  branches to read (repeatable; default: every branch)\n"
         "  --start N, --stop M   entry range [N, M) (default: every entry)\n"
         "  --threads N           decode threads (default 0 = one per core)\n";
    if (cmd == "cat") {
      h += "  -f, --format F        jsonl (default), csv or table\n"
           "  --batch-size N        entries per batch (default 65536)\n"
           "  --stats               print I/O statistics to stderr at the end\n"
           "example: arrowroot cat Zmumu.root:events -b E1,px1 --stop 5 --format table\n";
    } else {
      h += "  --repeat R            timed reads, the best kept (default 1)\n"
           "  --json                one JSON object instead of text\n";
    }
  } else if (cmd == "cp") {
    h = "usage: arrowroot cp SRC... DEST [options]\n"
        "Copy files (ROOT or any other) into S3 or a local directory: parallel, multipart,\n"
        "verified, resumable. A failed upload is aborted, so no partial object is ever visible.\n"
        "  SRC   a local path, http(s)://host/path, s3://bucket/key-or-prefix, or\n"
        "        hdfs://namenode:httpport/path (WebHDFS; webhdfs:// too)\n"
        "  DEST  s3://bucket/prefix[/] or a local path; with several SRC or --recursive, a\n"
        "        directory / prefix under which the relative paths are kept\n"
        "  -r, --recursive       copy everything under directories / prefixes\n"
        "  --include GLOB        only files whose relative path or name matches GLOB\n"
        "  -j, --jobs N          parallel transfers, parts of any file (default 4, 1 to 256)\n"
        "  --part-size SIZE      multipart part size, e.g. 16MiB (default 8MiB; memory in use\n"
        "                        is about jobs x part size)\n"
        "  --verify MODE         none, size, checksum (default: MD5 of every part and ETag),\n"
        "                        root (checksum, then every key, basket and RNTuple page\n"
        "                        read back and decompressed)\n"
        "  --resume              skip targets with equal size and checksum; abort stale uploads\n"
        "  --dry-run             list what would be copied, copy nothing\n"
        "Exit status 0 only if every file was copied (or skipped) and verified.\n"
        "example: arrowroot cp -r hdfs://namenode:9870/data/run1 s3://bucket/run1/ --jobs 8\n";
  } else {
    return "";
  }
  return h + kRemote;
}

}  // namespace arrowroot::cli
