#pragma once

namespace dialtrack::domain {

/// The base of the interfaces that implementations are handed through by reference or
/// `unique_ptr` (the storage ports, the dialer source, the webhook sender): an implementation
/// is deleted through it safely, and it is never copied or moved, which would slice it.
class Interface {
 public:
  virtual ~Interface() = default;
  Interface(const Interface&) = delete;
  Interface& operator=(const Interface&) = delete;

 protected:
  Interface() = default;
};

}  // namespace dialtrack::domain
