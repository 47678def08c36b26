// Aligned plain-text tables for people.
//
// Columns are padded to the widest cell as a terminal shows it: CJK and other East
// Asian wide characters take two columns ("华北" is four wide), so Chinese names line
// up with Latin ones. Cells never contain newlines (they are replaced by spaces).
// Values only; not thread-safe.
#ifndef SALESPERF_TOOLS_SALESPERFCTL_TABLE_H_
#define SALESPERF_TOOLS_SALESPERFCTL_TABLE_H_

#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace salesperf::ctl {

// Terminal columns of UTF-8 text: 2 for East Asian wide and fullwidth characters, 0 for
// combining marks, 1 otherwise (an invalid byte counts as 1).
int DisplayWidth(std::string_view utf8);

// A table with a header row:
//
//   TARGET  SCOPE      VALUE
//   tgt-1   team:t-sh  CNY 1,200,000.00
//
// Columns are separated by two spaces; the last column is not padded. Columns whose
// header is listed in `right_aligned` (numbers, money) are right-aligned.
class Table {
 public:
  explicit Table(std::vector<std::string> header, const std::vector<size_t>& right_aligned = {});
  // A row with fewer cells than the header is padded with empty cells.
  void AddRow(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> header_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

// Label/value pairs, one per line, labels padded:
//
//   target   tgt-1
//   value    CNY 1,200,000.00
void PrintFields(std::ostream& out, const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace salesperf::ctl

#endif  // SALESPERF_TOOLS_SALESPERFCTL_TABLE_H_
