// An intrusive doubly linked list: an element carries its own links (one
// Link member per list it can be on), so putting it on a list never
// allocates.
#pragma once

#include <stddef.h>

namespace net {

template <typename T>
struct Link {
  T* prev = nullptr;
  T* next = nullptr;
  bool linked = false;
};

template <typename T, Link<T> T::*L>
class List {
 public:
  bool empty() const { return head_ == nullptr; }
  size_t size() const { return size_; }
  T* front() const { return head_; }
  static T* next(const T* element) { return (element->*L).next; }
  static bool contains_link(const T* element) { return (element->*L).linked; }

  void push_back(T* element) {
    Link<T>& link = element->*L;
    link.prev = tail_;
    link.next = nullptr;
    link.linked = true;
    if (tail_ != nullptr) (tail_->*L).next = element; else head_ = element;
    tail_ = element;
    ++size_;
  }

  void remove(T* element) {
    Link<T>& link = element->*L;
    if (!link.linked) return;
    if (link.prev != nullptr) (link.prev->*L).next = link.next; else head_ = link.next;
    if (link.next != nullptr) (link.next->*L).prev = link.prev; else tail_ = link.prev;
    link = Link<T>{};
    --size_;
  }

  T* pop_front() {
    T* element = head_;
    if (element != nullptr) remove(element);
    return element;
  }

 private:
  T* head_ = nullptr;
  T* tail_ = nullptr;
  size_t size_ = 0;
};

}  // namespace net
