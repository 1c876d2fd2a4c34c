//===- DataParallel.cpp - Supernet training over several processes --------===//
#include "nasc/nn/DataParallel.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

using namespace nasc::nn;

namespace {
DataParallel *activeGroup = nullptr;
} // namespace

struct DataParallel::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

DataParallel::DataParallel(int rank, int size, const std::string &host, int port, double timeoutSeconds)
    : impl_(std::make_unique<Impl>()), rank_(rank), size_(size) {
  if (size < 1 || rank < 0 || rank >= size)
    throw std::invalid_argument("data-parallel: rank " + std::to_string(rank) + " of " + std::to_string(size));
  auto timeout = std::chrono::milliseconds(int64_t(timeoutSeconds * 1000));
  try {
    c10d::TCPStoreOptions so;
    so.port = uint16_t(port);
    so.isServer = rank == 0;
    so.numWorkers = size_t(size);
    so.timeout = timeout;
    impl_->store = c10::make_intrusive<c10d::TCPStore>(host, so);
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(host));
    impl_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, rank, size, options);
  } catch (const c10::Error &e) {
    std::string why = e.what_without_backtrace();
    if (size_t eol = why.find('\n'); eol != std::string::npos)
      why.resize(eol);
    throw std::runtime_error("data-parallel: rank " + std::to_string(rank) + " cannot join the group of " +
                             std::to_string(size) + " at " + host + ":" + std::to_string(port) + ": " + why);
  }
}

DataParallel::~DataParallel() {
  if (activeGroup == this)
    activeGroup = nullptr;
}

DataParallel::Shard DataParallel::shard(const data::Batch &global) const {
  int64_t rows = global.labels.size(0);
  if (rows < size_)
    return {global, 1.0 / size_};
  int64_t begin = rows * rank_ / size_, end = rows * (rank_ + 1) / size_;
  return {{global.images.narrow(0, begin, end - begin), global.labels.narrow(0, begin, end - begin)},
          double(end - begin) / double(rows)};
}

DataParallel::ShardRandomness::ShardRandomness(const DataParallel *group) {
  if (!group || group->size() == 1)
    return;
  active_ = true;
  at::Generator gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  uint64_t next = at::check_generator<at::CPUGeneratorImpl>(gen)->random64();
  after_ = gen.get_state();
  gen.set_current_seed(next + uint64_t(group->rank()));
}

DataParallel::ShardRandomness::~ShardRandomness() {
  if (!active_)
    return;
  at::Generator gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(after_);
}

void DataParallel::reduceGradients(const std::vector<at::Tensor> &params, double weight) {
  std::vector<at::Tensor> grads;
  for (const at::Tensor &p : params)
    if (p.grad().defined())
      grads.push_back(p.grad());
  if (grads.empty() || size_ == 1)
    return;
  // One buffer, one all-reduce: a supernet has hundreds of small tensors.
  std::vector<at::Tensor> flat;
  for (const at::Tensor &g : grads)
    flat.push_back(g.reshape({-1}));
  std::vector<at::Tensor> buffer{torch::cat(flat).mul_(weight)};
  impl_->group->allreduce(buffer)->wait();
  int64_t offset = 0;
  for (const at::Tensor &g : grads) {
    int64_t n = g.numel();
    g.copy_(buffer[0].narrow(0, offset, n).view_as(g));
    offset += n;
  }
}

void DataParallel::broadcast(const std::vector<at::Tensor> &tensors) {
  if (size_ == 1 || tensors.empty())
    return;
  torch::NoGradGuard noGrad;
  std::vector<at::Tensor> flat;
  for (const at::Tensor &t : tensors)
    flat.push_back(t.detach().reshape({-1}));
  std::vector<at::Tensor> buffer{torch::cat(flat)};
  impl_->group->broadcast(buffer)->wait();
  int64_t offset = 0;
  for (const at::Tensor &t : tensors) {
    int64_t n = t.numel();
    t.detach().copy_(buffer[0].narrow(0, offset, n).view_as(t));
    offset += n;
  }
}

std::vector<double> DataParallel::sum(const std::vector<double> &values) {
  if (size_ == 1 || values.empty())
    return values;
  std::vector<at::Tensor> buffer{torch::tensor(values, torch::kFloat64)};
  impl_->group->allreduce(buffer)->wait();
  auto a = buffer[0].accessor<double, 1>();
  std::vector<double> out(values.size());
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = a[int64_t(i)];
  return out;
}

DataParallel *DataParallel::active() { return activeGroup; }
void DataParallel::activate(DataParallel *group) { activeGroup = group; }

int nasc::nn::freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    throw std::runtime_error("data-parallel: cannot open a socket to find a free port");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("data-parallel: cannot find a free port");
  }
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}
