//===- Select.cpp - Checking a dataset and taking samples of it -----------===//
#include "nasc/data/Dataset.h"

namespace nasc::data {

void checkDataset(const Dataset &ds) {
  const std::string who = "dataset '" + ds.name + "': ";
  if (!ds.images.defined() || !ds.labels.defined())
    throw DataError(who + "no images or labels");
  if (ds.images.dim() != 4 || ds.images.scalar_type() != torch::kUInt8)
    throw DataError(who + "images must be uint8 [N, C, H, W], got " + std::string(ds.images.dtype().name()) + " " +
                    c10::str(ds.images.sizes()));
  if (ds.labels.dim() != 1 || ds.labels.scalar_type() != torch::kInt64)
    throw DataError(who + "labels must be int64 [N], got " + std::string(ds.labels.dtype().name()) + " " +
                    c10::str(ds.labels.sizes()));
  if (ds.images.size(0) != ds.labels.size(0))
    throw DataError(who + std::to_string(ds.images.size(0)) + " images but " + std::to_string(ds.labels.size(0)) +
                    " labels");
  if (!ds.images.device().is_cpu() || !ds.labels.device().is_cpu())
    throw DataError(who + "must be on the CPU");
  if (ds.classes <= 0)
    throw DataError(who + "classes must be positive");
}

Dataset select(const Dataset &ds, const torch::Tensor &indices) {
  Dataset out;
  torch::Tensor idx = indices.to(torch::kInt64);
  out.images = ds.images.index_select(0, idx);
  out.labels = ds.labels.index_select(0, idx);
  out.classes = ds.classes;
  out.name = ds.name;
  out.class_names = ds.class_names;
  return out;
}

} // namespace nasc::data
