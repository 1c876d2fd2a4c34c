//===- module.cpp - The Python module nasc._nasc over libnasc --------------===//
//
// Bindings only: every behaviour is libnasc's (api/include/nasc/nasc.h).
// The Python-side conveniences (compile() taking a path or a source,
// Space.search() running `nasc search`) are in nasc/__init__.py.
//
//===----------------------------------------------------------------------===//
#include "nasc/nasc.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace py = pybind11;
using nasc::Json;

namespace {

py::object toPython(const Json &j) {
  switch (j.type()) {
  case Json::value_t::null:
    return py::none();
  case Json::value_t::boolean:
    return py::bool_(j.get<bool>());
  case Json::value_t::number_integer:
    return py::int_(j.get<int64_t>());
  case Json::value_t::number_unsigned:
    return py::int_(j.get<uint64_t>());
  case Json::value_t::number_float:
    return py::float_(j.get<double>());
  case Json::value_t::string:
    return py::str(j.get<std::string>());
  case Json::value_t::array: {
    py::list l;
    for (const Json &v : j)
      l.append(toPython(v));
    return std::move(l);
  }
  case Json::value_t::object: {
    py::dict d;
    for (const auto &[k, v] : j.items())
      d[py::str(k)] = toPython(v);
    return std::move(d);
  }
  default:
    return py::none();
  }
}

Json fromPython(const py::handle &o) {
  if (o.is_none())
    return nullptr;
  if (py::isinstance<py::bool_>(o))
    return o.cast<bool>();
  if (py::isinstance<py::int_>(o))
    return o.cast<int64_t>();
  if (py::isinstance<py::float_>(o))
    return o.cast<double>();
  if (py::isinstance<py::str>(o))
    return o.cast<std::string>();
  if (py::isinstance<py::dict>(o)) {
    Json j = Json::object();
    for (const auto &[k, v] : o.cast<py::dict>())
      j[py::str(k).cast<std::string>()] = fromPython(v);
    return j;
  }
  if (py::isinstance<py::list>(o) || py::isinstance<py::tuple>(o)) {
    Json j = Json::array();
    for (const py::handle &v : o)
      j.push_back(fromPython(v));
    return j;
  }
  // numpy scalars and the like: as a number when they convert to one.
  if (py::hasattr(o, "__float__"))
    return o.cast<double>();
  throw py::type_error("cannot pass a " + std::string(py::str(o.get_type())) + " to nasc");
}

py::dict archToPython(const nasc::Architecture &a) {
  py::dict d;
  for (const auto &[k, v] : a)
    d[py::str(k)] = toPython(v);
  return d;
}

nasc::Architecture archFromPython(const py::dict &d) {
  nasc::Architecture a;
  for (const auto &[k, v] : d)
    a[py::str(k).cast<std::string>()] = fromPython(v);
  return a;
}

std::string reprTrial(int64_t number, const std::string &hash) {
  return "<nasc.Trial " + std::to_string(number) + " " + hash + ">";
}

} // namespace

PYBIND11_MODULE(_nasc, m) {
  m.doc() = "nasc: compile neural architecture search spaces and search them (docs/python.md)";

  static py::exception<nasc::CompileError> compileError(m, "CompileError", PyExc_ValueError);
  static py::exception<nasc::Error> error(m, "Error", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p)
        std::rethrow_exception(p);
    } catch (const nasc::CompileError &e) {
      compileError(e.what());
    } catch (const nasc::Error &e) {
      error(e.what());
    }
  });

  py::class_<nasc::Decision>(m, "Decision")
      .def_readonly("name", &nasc::Decision::name)
      .def_readonly("kind", &nasc::Decision::kind)
      .def_property_readonly("values",
                             [](const nasc::Decision &d) {
                               py::list l;
                               for (const Json &v : d.values)
                                 l.append(toPython(v));
                               return l;
                             })
      .def_readonly("lo", &nasc::Decision::lo)
      .def_readonly("hi", &nasc::Decision::hi)
      .def_readonly("log", &nasc::Decision::log)
      .def_readonly("hyperparameter", &nasc::Decision::hyperparameter)
      .def_readonly("conditional", &nasc::Decision::conditional)
      .def_readonly("sharing", &nasc::Decision::sharing)
      .def_readonly("owner", &nasc::Decision::owner)
      .def_readonly("places", &nasc::Decision::places)
      .def("__repr__", [](const nasc::Decision &d) { return "<nasc.Decision " + d.name + ": " + d.kind + ">"; });

  py::class_<nasc::Cost>(m, "Cost")
      .def_readonly("id", &nasc::Cost::id)
      .def_readonly("hash", &nasc::Cost::hash)
      .def_property_readonly("params", [](const nasc::Cost &c) { return int64_t(c.params); })
      .def_property_readonly("macs", [](const nasc::Cost &c) { return int64_t(c.macs); })
      .def_property_readonly("flops", [](const nasc::Cost &c) { return int64_t(c.macs); })
      .def("__repr__", [](const nasc::Cost &c) {
        return "<nasc.Cost " + c.hash + ": " + std::to_string(int64_t(c.params)) + " params, " +
               std::to_string(int64_t(c.macs)) + " MACs>";
      });

  py::class_<nasc::Trial>(m, "Trial")
      .def_readonly("number", &nasc::Trial::number)
      .def_readonly("id", &nasc::Trial::id)
      .def_readonly("hash", &nasc::Trial::hash)
      .def_property_readonly("params", [](const nasc::Trial &t) { return archToPython(t.params); })
      .def_readonly("budget", &nasc::Trial::budget)
      .def("__repr__", [](const nasc::Trial &t) { return reprTrial(t.number, t.hash); });

  py::class_<nasc::TrialResult>(m, "TrialResult")
      .def_readonly("number", &nasc::TrialResult::number)
      .def_readonly("id", &nasc::TrialResult::id)
      .def_readonly("hash", &nasc::TrialResult::hash)
      .def_property_readonly("params", [](const nasc::TrialResult &t) { return archToPython(t.params); })
      .def_readonly("values", &nasc::TrialResult::values)
      .def_property_readonly("value",
                             [](const nasc::TrialResult &t) -> py::object {
                               return t.values.empty() ? py::object(py::none()) : py::object(py::float_(t.values[0]));
                             })
      .def_readonly("metrics", &nasc::TrialResult::metrics)
      .def_readonly("error", &nasc::TrialResult::error)
      .def_readonly("feasible", &nasc::TrialResult::feasible)
      .def_readonly("cached", &nasc::TrialResult::cached)
      .def_readonly("seconds", &nasc::TrialResult::seconds)
      .def("__repr__", [](const nasc::TrialResult &t) {
        std::string v = t.error.empty() ? (t.values.empty() ? "-" : std::to_string(t.values[0])) : "failed";
        return "<nasc.TrialResult " + std::to_string(t.number) + " " + t.hash + ": " + v + ">";
      });

  py::class_<nasc::Study>(m, "Study")
      .def("ask", &nasc::Study::ask, "The next trial, or None when the study is over.")
      .def(
          "tell",
          [](nasc::Study &s, const nasc::Trial &t, const py::object &result) {
            if (py::isinstance<py::dict>(result)) {
              std::map<std::string, double> metrics;
              for (const auto &[k, v] : result.cast<py::dict>())
                metrics[py::str(k).cast<std::string>()] = v.cast<double>();
              s.tell(t, metrics);
            } else if (py::isinstance<py::list>(result) || py::isinstance<py::tuple>(result)) {
              s.tell(t, result.cast<std::vector<double>>());
            } else {
              s.tell(t, result.cast<double>());
            }
          },
          py::arg("trial"), py::arg("result"),
          "Tell a trial's result: a value, one per objective, or a dict of metrics.")
      .def("fail", &nasc::Study::fail, py::arg("trial"), py::arg("error") = "failed")
      .def_property_readonly("outstanding", &nasc::Study::outstanding)
      .def_property_readonly("best", &nasc::Study::best)
      .def_property_readonly("trials", &nasc::Study::trials)
      .def_property_readonly("pareto", &nasc::Study::pareto)
      .def_property_readonly("resumed", &nasc::Study::resumed)
      .def_property_readonly("directions", &nasc::Study::directions)
      .def("finish", &nasc::Study::finish);

  py::class_<nasc::Space>(m, "Space", py::dynamic_attr())
      .def_property_readonly("name", &nasc::Space::name)
      .def_property_readonly("size", [](const nasc::Space &s) { return py::int_(py::str(s.size())); })
      .def_property_readonly("unique", [](const nasc::Space &s) { return py::int_(py::str(s.unique())); })
      .def_property_readonly("decisions", &nasc::Space::decisions)
      .def_property_readonly("is_search_space", &nasc::Space::isSearchSpace)
      .def("info", [](const nasc::Space &s) { return toPython(s.info()); })
      .def("arch_id", [](const nasc::Space &s, const py::dict &a) { return s.archId(archFromPython(a)); })
      .def("decode", [](const nasc::Space &s, const std::string &id) { return archToPython(s.decode(id)); })
      .def("cost",
           [](const nasc::Space &s, const py::object &a) {
             return py::isinstance<py::dict>(a) ? s.cost(archFromPython(a.cast<py::dict>()))
                                                : s.cost(a.cast<std::string>());
           })
      .def("sample", [](const nasc::Space &s, uint64_t seed) { return archToPython(s.sample(seed)); },
           py::arg("seed") = 0)
      .def(
          "_study",
          [](const nasc::Space &s, const std::string &strategy, const py::dict &args, const py::object &seed,
             const std::string &storage, const std::vector<std::string> &directions, const py::object &budget,
             const py::object &scorer) {
            nasc::StudyOptions o;
            if (!scorer.is_none()) {
              if (!PyCallable_Check(scorer.ptr()))
                throw nasc::Error("proxy_scorer must be a function: fn(proxy, candidates) -> one score each");
              o.proxyScorer = [scorer](const std::string &proxy, const std::vector<nasc::Architecture> &candidates) {
                py::list archs;
                for (const nasc::Architecture &a : candidates)
                  archs.append(archToPython(a));
                py::object got = scorer(proxy, archs);
                std::vector<double> scores;
                for (const py::handle &x : got)
                  scores.push_back(x.cast<double>());
                return scores;
              };
            }
            o.strategy = strategy;
            o.args = fromPython(args);
            if (!seed.is_none())
              o.seed = seed.cast<uint64_t>();
            o.storage = storage;
            o.directions = directions;
            if (!budget.is_none())
              o.budget = budget.cast<uint64_t>();
            return s.study(o);
          },
          py::arg("strategy"), py::arg("args"), py::arg("seed"), py::arg("storage"), py::arg("directions"),
          py::arg("budget"), py::arg("proxy_scorer") = py::none())
      .def("__repr__", [](const nasc::Space &s) { return "<nasc.Space " + s.name() + ": " + s.size() + " architectures>"; });

  py::class_<nasc::Program>(m, "Program", py::dynamic_attr())
      .def_static("compile_file", &nasc::Program::compileFile, py::arg("path"), py::arg("options"))
      .def_static("compile_source", &nasc::Program::compileSource, py::arg("source"), py::arg("name"),
                  py::arg("options"))
      .def_property_readonly("spaces", &nasc::Program::spaces)
      .def_property_readonly("searches", &nasc::Program::searches)
      .def("space", &nasc::Program::space, py::arg("name") = "")
      .def("search_space", &nasc::Program::searchSpace, py::arg("search") = "")
      .def("info", [](const nasc::Program &p) { return toPython(p.info()); })
      .def_property_readonly("artefact", [](const nasc::Program &p) { return py::bytes(p.artefact()); });

  py::class_<nasc::CompileOptions>(m, "CompileOptions")
      .def(py::init<>())
      .def_readwrite("stdlib", &nasc::CompileOptions::stdlib);

  m.def("strategies", &nasc::Program::strategies, "The search strategies of this runtime.");
  m.def("version", &nasc::version);
}
