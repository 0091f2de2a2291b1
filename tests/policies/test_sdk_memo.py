"""The servicer's per-policy conversions, memoised per request (kmsguard.policies/sdk_memo.py)."""

from __future__ import annotations

import inspect
import threading
import types
from typing import Any

import pulumi_policy.policy
import pytest
from google.protobuf import json_format, struct_pb2  # type: ignore[import-untyped]

from kmsguard.policies import sdk_memo

POLICIES = 22


class Counting:
    """Stand-ins for MessageToDict / deserialize_properties that count their calls."""

    def __init__(self) -> None:
        self.to_dict_calls = 0
        self.deserialize_calls: list[bool] = []

    def to_dict(self, message: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.to_dict_calls += 1
        result: dict[str, Any] = json_format.MessageToDict(message, *args, **kwargs)
        return result

    def deserialize(self, props: dict[str, Any], proxy_secrets: bool = False) -> dict[str, Any]:
        self.deserialize_calls.append(proxy_secrets)
        return dict(props)


def _message(**fields: Any) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(fields)
    return message


def _analyze(to_dict: Any, deserialize: Any, props: Any, provider: Any) -> list[dict[str, Any]]:
    """The servicer's Analyze loop: both messages converted once per policy."""
    return [
        value
        for _ in range(POLICIES)
        for value in (deserialize(to_dict(props)), deserialize(to_dict(provider)))
    ]


def test_analyze_converts_each_message_once_per_request() -> None:
    counting = Counting()
    memo = sdk_memo.memoising(counting.to_dict, counting.deserialize)
    props, provider = _message(description="orders"), _message(region="eu-west-1")

    with memo.request():
        values = _analyze(memo.message_to_dict, memo.deserialize_properties, props, provider)

    assert counting.to_dict_calls == 2
    assert counting.deserialize_calls == [False, False]
    assert values[0] == {"description": "orders"}
    assert values[1] == {"region": "eu-west-1"}
    assert all(v is values[0] for v in values[::2])


def test_each_request_starts_and_ends_with_an_empty_cache() -> None:
    counting = Counting()
    memo = sdk_memo.memoising(counting.to_dict, counting.deserialize)
    first = (_message(n=1), _message(r="a"))

    with memo.request():
        _analyze(memo.message_to_dict, memo.deserialize_properties, *first)
        assert memo.size() == 2
    assert memo.size() == 0
    with memo.request():
        memo.message_to_dict(first[0])
    assert counting.to_dict_calls == 3


def test_one_policy_and_ten_thousand_requests_keep_nothing() -> None:
    """With one policy nothing repeats within a request; the cache must still be released."""
    counting = Counting()
    memo = sdk_memo.memoising(counting.to_dict, counting.deserialize)
    for i in range(10_000):
        with memo.request():
            memo.deserialize_properties(memo.message_to_dict(_message(i=i)))
            assert memo.size() == 1
    assert memo.size() == 0
    assert counting.to_dict_calls == 10_000


def test_a_request_that_raises_still_releases_the_cache() -> None:
    memo = sdk_memo.memoising(Counting().to_dict, Counting().deserialize)

    def failing_request() -> None:
        with memo.request():
            memo.message_to_dict(_message(a="b"))
            raise RuntimeError("policy failed")

    with pytest.raises(RuntimeError):
        failing_request()
    assert memo.size() == 0


def test_outside_a_request_nothing_is_cached() -> None:
    counting = Counting()
    memo = sdk_memo.memoising(counting.to_dict, counting.deserialize)
    props = _message(a="b")
    memo.message_to_dict(props)
    memo.message_to_dict(props)
    assert (counting.to_dict_calls, memo.size()) == (2, 0)


def test_analyze_stack_converts_each_resource_once_across_stack_policies() -> None:
    counting = Counting()
    memo = sdk_memo.memoising(counting.to_dict, counting.deserialize)
    resources = [_message(i=i) for i in range(50)]

    with memo.request():
        passes = [[memo.deserialize_properties(memo.message_to_dict(r)) for r in resources] for _ in range(3)]

    assert counting.to_dict_calls == 50
    assert len(counting.deserialize_calls) == 50
    assert passes[0] == passes[2]
    assert passes[2][49] == {"i": 49.0}


def test_secret_preserving_and_option_calls_are_never_cached() -> None:
    counting = Counting()
    memo = sdk_memo.memoising(counting.to_dict, counting.deserialize)
    props = _message(a="b")

    with memo.request():
        as_dict = memo.message_to_dict(props)
        memo.deserialize_properties(as_dict, True)
        memo.deserialize_properties(as_dict, True)
        memo.message_to_dict(props, preserving_proto_field_name=True)

    assert counting.deserialize_calls == [True, True]
    assert counting.to_dict_calls == 2


def test_a_dict_not_from_the_cache_is_deserialised_directly() -> None:
    counting = Counting()
    memo = sdk_memo.memoising(counting.to_dict, counting.deserialize)

    with memo.request():
        assert memo.deserialize_properties({"a": 1}) == {"a": 1}
        assert memo.deserialize_properties({"a": 1}) == {"a": 1}
    assert counting.deserialize_calls == [False, False]


def test_each_thread_has_its_own_cache() -> None:
    counting = Counting()
    memo = sdk_memo.memoising(counting.to_dict, counting.deserialize)
    props = _message(a="b")

    def serve() -> None:
        with memo.request():
            memo.message_to_dict(props)

    with memo.request():
        memo.message_to_dict(props)
        other = threading.Thread(target=serve)
        other.start()
        other.join()
        assert memo.size() == 1

    assert counting.to_dict_calls == 2


class _FakeServicer:
    built: list[str]

    def Analyze(self, request: Any, context: Any) -> Any:
        return request

    def AnalyzeStack(self, request: Any, context: Any) -> Any:
        """As the SDK's: every stack policy builds every resource's options and provider again."""
        return [
            (self._get_resource_options(resource), self._get_provider_resource(resource))
            for _ in range(3)
            for resource in request
        ]

    def _get_resource_options(self, resource: Any) -> Any:
        self.built.append("options")
        return object()

    def _get_provider_resource(self, resource: Any) -> Any:
        self.built.append("provider")
        return object()


def _fake_servicer_module() -> types.ModuleType:
    module = types.ModuleType("fake_servicer")
    module._PolicyAnalyzerServicer = type("Servicer", (_FakeServicer,), {})  # type: ignore[attr-defined]
    module.json_format = json_format  # type: ignore[attr-defined]
    module.deserialize_properties = Counting().deserialize  # type: ignore[attr-defined]
    return module


def test_install_shadows_the_servicer_module_only() -> None:
    module = _fake_servicer_module()
    original_deserialize = module.deserialize_properties  # type: ignore[attr-defined]

    assert sdk_memo.install(module) is True
    assert sdk_memo.install(module) is True

    assert module.json_format is not json_format  # type: ignore[attr-defined]
    assert module.json_format.MessageToDict is not json_format.MessageToDict  # type: ignore[attr-defined]
    assert module.json_format.ParseDict is json_format.ParseDict  # type: ignore[attr-defined]
    assert module.deserialize_properties is not original_deserialize  # type: ignore[attr-defined]
    assert json_format.MessageToDict.__module__ == "google.protobuf.json_format"
    servicer = module._PolicyAnalyzerServicer()  # type: ignore[attr-defined]
    servicer.built = []
    assert servicer.Analyze("r", None) == "r"
    assert type(servicer).Analyze is not _FakeServicer.Analyze


def test_installed_the_stack_policies_share_each_resources_options_and_provider() -> None:
    module = _fake_servicer_module()
    sdk_memo.install(module)
    servicer = module._PolicyAnalyzerServicer()  # type: ignore[attr-defined]
    servicer.built = []
    resources = [_message(i=i) for i in range(2)]

    built = servicer.AnalyzeStack(resources, None)

    assert servicer.built == ["options", "provider", "options", "provider"]
    assert built[0] == built[2] == built[4]
    assert built[1] == built[3] == built[5]
    assert built[0] != built[1]
    servicer.AnalyzeStack(resources, None)  # a new request builds them anew
    assert len(servicer.built) == 8
    servicer._get_resource_options(resources[0])  # outside a request (Remediate): never cached
    servicer._get_resource_options(resources[0])
    assert len(servicer.built) == 10


def test_per_resource_builds_once_per_message_helper_and_request() -> None:
    memo = sdk_memo.memoising(Counting().to_dict, Counting().deserialize)
    builds: list[tuple[str, int]] = []
    resources = [_message(i=i) for i in range(50)]

    def build(helper: str, index: int) -> Any:
        return memo.per_resource(helper, resources[index], lambda: builds.append((helper, index)) or object())

    with memo.request():
        first = [build(helper, i) for _ in range(POLICIES) for helper in ("a", "b") for i in range(50)]
        assert memo.size() == 50
    assert len(builds) == 100
    assert len({id(value) for value in first}) == 100
    assert memo.size() == 0


def test_the_installed_sdk_still_builds_options_and_provider_through_its_helpers() -> None:
    """If this fails, the SDK builds them another way: sharing them no longer applies (the pack
    stays correct, only slower). Re-measure and revisit sdk_memo.py."""
    for method in (
        pulumi_policy.policy._PolicyAnalyzerServicer.Analyze,
        pulumi_policy.policy._PolicyAnalyzerServicer.AnalyzeStack,
    ):
        source = inspect.getsource(method)
        assert "self._get_resource_options(" in source
        assert "self._get_provider_resource(" in source


def test_install_leaves_an_unfamiliar_sdk_alone() -> None:
    module = types.ModuleType("future_servicer")

    assert sdk_memo.install(module) is False
    assert not hasattr(module, "json_format")


def test_the_installed_sdk_still_converts_per_policy_by_module_attribute() -> None:
    """If this fails, the SDK changed how Analyze converts properties: the memo no longer applies
    (the pack stays correct, only slower). Re-measure and revisit sdk_memo.py."""
    analyze = inspect.getsource(pulumi_policy.policy._PolicyAnalyzerServicer.Analyze)
    stack = inspect.getsource(pulumi_policy.policy._PolicyAnalyzerServicer.AnalyzeStack)
    for source in (analyze, stack):
        assert "deserialize_properties(json_format.MessageToDict(" in source


def test_the_proxy_is_shared_by_the_policies_of_one_request_only() -> None:
    counting = Counting()
    proxies: list[Any] = []

    def proxy(value: Any) -> Any:
        proxies.append(object())
        return proxies[-1]

    memo = sdk_memo.memoising(counting.to_dict, counting.deserialize, proxy)
    to_dict, deserialize, checking = (
        memo.message_to_dict,
        memo.deserialize_properties,
        memo.unknown_checking_proxy,
    )
    first, second = _message(n=1), _message(n=2)
    with memo.request():
        seen = [checking(deserialize(to_dict(first))) for _ in range(POLICIES)]
    assert len(proxies) == 1
    assert all(p is proxies[0] for p in seen)
    with memo.request():
        later = [checking(deserialize(to_dict(second))) for _ in range(POLICIES)]
    assert len(proxies) == 2
    assert all(p is proxies[1] for p in later)
    assert checking({"not": "deserialised here"}) is proxies[2]  # an unknown dict is proxied, never cached


def test_the_installed_sdk_still_proxies_by_module_attribute() -> None:
    """If this fails, the SDK no longer wraps properties through the module's `unknown_checking_proxy`."""
    for method in (
        pulumi_policy.policy._PolicyAnalyzerServicer.Analyze,
        pulumi_policy.policy._PolicyAnalyzerServicer.AnalyzeStack,
    ):
        assert "props = unknown_checking_proxy(deserialized)" in inspect.getsource(method)
