// The one output policy of every lskd command that writes (train, distill, export, analyze, sweep, study, and any
// new one such as import): what an existing path may be replaced by, which directories are made, and a one-line
// message naming the path for everything refused. It knows no file format: a command says, through a
// ReplaceCheck, which existing files are its own to replace.
//
// The rules:
//  - An existing output that is not a regular file (a device, a FIFO, a socket, a directory, a symbolic link)
//    is never replaced, judged by lstat before anything (a ".lock" file included) is created beside it: the
//    atomic rename would put a regular file where the device or the link was.
//  - An output that is one of the command's inputs under any name (the same inode: a hard link, "./a/../a") is
//    refused.
//  - An existing file is replaced only with --force, and then only if the command's ReplaceCheck accepts it
//    (train and distill: an lskd run directory; export: a previous export of the same format).
//  - Directories: the missing directories of an output are created, with their parents, at the same point for
//    every command (after the checks above that need none, before the lock); a path in their place that exists
//    and is not a directory is refused, naming what it is. A symbolic link to a directory is followed: the files
//    go inside it and nothing replaces the link.
//  - An output that is a directory (a run's, OutputFile::directory) follows the same rules with "a directory"
//    for "a regular file": a symbolic link or any other kind in its place is refused; its lock is "<dir>.lock"
//    beside it, so that replacing the directory never touches the lock. An empty directory in its place counts as
//    absent: there is nothing in it to lose. Once it is accepted (to resume, or to
//    replace with --force), the temporary files that killed writers left anywhere inside it are deleted.
//  - Every failure of the file system is one line naming the path and the errno text.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "framework/io/file_lock.hpp"

namespace lskd::io {

// Why the existing file at `path` is not of the kind a command may replace with --force; nothing when it is.
using ReplaceCheck = std::function<std::optional<std::string>(const std::string& path)>;

struct OutputFile {
    std::string path;
    bool directory = false;           // the output is a directory the command fills (a run), not a file
    std::string purpose;              // shown to a second writer: "training", "export"
    std::vector<std::string> inputs;  // the files the command reads, never its output (empty entries skipped)
    bool force = false;               // replace an existing file that `replaceable` accepts
    bool resume = false;              // continue the existing file: it must exist, and it is not judged for --force
    std::string replaces;             // what --force replaces, for the message: "an lskd run directory"
    ReplaceCheck replaceable;         // needed when `force` can be set
    std::string exists_advice = "use --force to replace it";  // said when the output exists without --force
};

// Checks `output` by the rules above and locks it (FileLock::try_lock_file with `output.purpose`, which also
// deletes the dead temporaries "<path>.tmp.<pid>" beside it), or fails creating nothing beside it.
FileLock claim_output_file(const OutputFile& output);

// Refuses `path` if it exists and is not a regular file, by lstat: "<path>: the output exists and is a named pipe
// (FIFO); ...". For a path lskd writes in place by rename (an analysis's file in a run directory).
void check_replaceable(const std::string& path);

// As check_replaceable, for an output that is a directory: refused if it exists and is not one (a symbolic link
// to one included).
void check_replaceable_directory(const std::string& path);

// The directory rule for an output directory (a sweep's, a study's) or an output file's parent ("" is the working
// directory): made with its parents if missing, refused if it exists and is not a directory.
void make_output_directory(const std::string& dir);

}  // namespace lskd::io
