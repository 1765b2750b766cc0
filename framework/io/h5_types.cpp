// The HDF5 types for lskd's element types: native in memory, fixed little-endian in the file so a file
// reads the same on any machine.
#include "framework/io/h5_detail.hpp"

namespace lskd::io::detail {

template <>
hid_t memory_type<float>() {
    return H5T_NATIVE_FLOAT;
}
template <>
hid_t memory_type<double>() {
    return H5T_NATIVE_DOUBLE;
}
template <>
hid_t memory_type<std::int32_t>() {
    return H5T_NATIVE_INT32;
}
template <>
hid_t memory_type<std::int64_t>() {
    return H5T_NATIVE_INT64;
}
template <>
hid_t memory_type<std::uint8_t>() {
    return H5T_NATIVE_UINT8;
}

template <>
hid_t file_type<float>() {
    return H5T_IEEE_F32LE;
}
template <>
hid_t file_type<double>() {
    return H5T_IEEE_F64LE;
}
template <>
hid_t file_type<std::int32_t>() {
    return H5T_STD_I32LE;
}
template <>
hid_t file_type<std::int64_t>() {
    return H5T_STD_I64LE;
}
template <>
hid_t file_type<std::uint8_t>() {
    return H5T_STD_U8LE;
}

template <>
std::string_view type_name<float>() {
    return "float32";
}
template <>
std::string_view type_name<double>() {
    return "float64";
}
template <>
std::string_view type_name<std::int32_t>() {
    return "int32";
}
template <>
std::string_view type_name<std::int64_t>() {
    return "int64";
}
template <>
std::string_view type_name<std::uint8_t>() {
    return "uint8";
}

std::string_view class_description(H5T_class_t cls) {
    switch (cls) {
        case H5T_INTEGER: return "integers";
        case H5T_FLOAT: return "floats";
        case H5T_STRING: return "strings";
        case H5T_BITFIELD: return "bitfields";
        case H5T_OPAQUE: return "opaque values";
        case H5T_COMPOUND: return "compound values";
        case H5T_REFERENCE: return "references";
        case H5T_ENUM: return "enum values";
        case H5T_VLEN: return "variable-length sequences";
        case H5T_ARRAY: return "arrays";
        default: return "values of an unknown type";
    }
}

}  // namespace lskd::io::detail
