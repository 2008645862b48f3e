"""Renders conversations with the real Jinja chat templates, the way transformers' apply_chat_template does
(jinja2 sandbox, trim_blocks, lstrip_blocks, transformers' tojson), and writes them with the expected text to
src/test/resources/chat-template-cases.jsonl, which ChatTemplateTest compares the Java renderer against.
Run from tokenizer/: python3 src/test/python/make_chat_template_cases.py   (needs jinja2; not run by the build)
"""
import json
import random
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    # transformers overrides jinja's tojson (which escapes HTML and sorts keys) with plain json.dumps
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def raise_exception(message):
    raise ValueError(message)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception

qwen3 = json.load(open("src/main/resources/dev/imagine/tokenizer/qwen3/tokenizer_config.json"))["chat_template"]
chatml = json.load(open("src/test/resources/tiny/tokenizer_config.json"))["chat_template"]

S = {"role": "system", "content": "You are a travel planner. Answer in JSON."}
U1 = {"role": "user", "content": "Plan 3 days from Dallas to Rockford, budget $2,783."}
U2 = {"role": "user", "content": "Make it cheaper, please."}
A_THINK = {"role": "assistant", "content": "<think>\nThe user wants a trip.\nCheck flights.\n</think>\n\n{\"days\": 3}"}
A_PLAIN = {"role": "assistant", "content": "Sure: day 1 Dallas, day 2 Rockford."}
A_RC = {"role": "assistant", "content": "\n\nHere is the plan.", "reasoning_content": "\nFlights first, then hotels.\n\n"}
TOOLS = [
    {"type": "function", "function": {"name": "FlightSearch", "description": "Find flights between two cities on a date.",
                                      "parameters": {"type": "object", "properties": {
                                          "origin": {"type": "string", "description": "city, e.g. \"Dallas\""},
                                          "date": {"type": "string"}, "max_price": {"type": "number", "minimum": 0.5}},
                                                     "required": ["origin", "date"]}}},
    {"type": "function", "function": {"name": "AccommodationSearch", "parameters": {"type": "object", "properties": {}}}},
]
CALL_DICT = {"function": {"name": "FlightSearch", "arguments": {"origin": "Dallas", "date": "2022-03-01", "max_price": 1e-05,
                                                               "ratio": 2.5, "big": 1e16, "round": 100.0, "n": 3, "flag": True,
                                                               "none": None, "list": [1, "two", {"x": []}],
                                                               "text": "quote \" backslash \\ newline \n tab \t ctl \u0001 é 北京 🦙"}}}
CALL_STR = {"name": "AccommodationSearch", "arguments": "{\"city\": \"Rockford\"}"}

cases = []


def add(name, template_name, messages, add_generation_prompt, enable_thinking=None, tools=None):
    template = env.from_string(qwen3 if template_name == "qwen3" else chatml)
    kwargs = {} if enable_thinking is None else {"enable_thinking": enable_thinking}
    expected = template.render(messages=messages, tools=tools, add_generation_prompt=add_generation_prompt, **kwargs)
    cases.append({"name": name, "template": template_name, "messages": messages, "tools": tools,
                  "add_generation_prompt": add_generation_prompt, "enable_thinking": enable_thinking, "expected": expected})


add("single user turn, generation prompt", "qwen3", [U1], True)
add("system + user, thinking off", "qwen3", [S, U1], True, False)
add("system + user, thinking on explicitly", "qwen3", [S, U1], True, True)
add("last turn is user, no generation prompt", "qwen3", [S, U1], False)
add("history: earlier reasoning dropped", "qwen3", [S, U1, A_THINK, U2], True)
add("history: earlier reasoning dropped, thinking off", "qwen3", [S, U1, A_THINK, U2], True, False)
add("final assistant turn keeps its reasoning", "qwen3", [S, U1, A_THINK], False)
add("final assistant without reasoning gets an empty think block", "qwen3", [U1, A_PLAIN], False)
add("reasoning_content field", "qwen3", [U1, A_RC], False)
add("reasoning_content before the last query is dropped", "qwen3", [U1, A_RC, U2], True)
add("content with only a closing think tag", "qwen3", [U1, {"role": "assistant", "content": "thought about it\n</think>\n\nanswer"}], False)
add("content with two think blocks", "qwen3",
    [U1, {"role": "assistant", "content": "<think>a</think>mid<think>\nb\n</think>\n\nend"}], False)
add("empty assistant content", "qwen3", [U1, {"role": "assistant", "content": ""}], False)
add("system in the middle", "qwen3", [U1, A_PLAIN, {"role": "system", "content": "Be brief."}, U2], True)
add("tools without system", "qwen3", [U1], True, None, TOOLS)
add("tools with system, thinking off", "qwen3", [S, U1], True, False, TOOLS)
add("tool calls, tool results, final answer", "qwen3",
    [S, U1,
     {"role": "assistant", "content": "<think>\nI need flights.\n</think>\n\nLet me search.", "tool_calls": [CALL_DICT, CALL_STR]},
     {"role": "tool", "content": "[{\"flight\": \"F1\", \"price\": 120}]"},
     {"role": "tool", "content": "[]"},
     {"role": "assistant", "content": "<think>\nF1 is cheapest.\n</think>\n\nTake F1."}], False, None, TOOLS)
add("tool call with empty content, then generation", "qwen3",
    [U1, {"role": "assistant", "content": "", "tool_calls": [CALL_STR]}, {"role": "tool", "content": "ok"}], True)
add("tool call mid-turn keeps reasoning_content (after last query)", "qwen3",
    [U1, {"role": "assistant", "content": "calling", "reasoning_content": "need data", "tool_calls": [CALL_STR]},
     {"role": "tool", "content": "ok"}], True, False)
add("user turn that wraps a tool response is not a query", "qwen3",
    [U1, {"role": "assistant", "content": "<think>x</think>searching", "tool_calls": [CALL_STR]},
     {"role": "user", "content": "<tool_response>\n{\"ok\": true}\n</tool_response>"},
     {"role": "assistant", "content": "<think>\ny\n</think>\n\ndone"}], False)
add("unicode and newlines in content", "qwen3",
    [{"role": "user", "content": "\n北京到上海 🦙\r\n  tabs\tand  spaces  \n"}, {"role": "assistant", "content": "\n\n好的。\n"}], True)
add("chatml: two turns", "chatml", [S, U1], True)
add("chatml: no generation prompt", "chatml", [U1, A_PLAIN], False)

# seeded random conversations: roles in any order, think blocks, reasoning_content, tool calls, stray newlines
rng = random.Random(20251122)
PIECES = ["plan", "\n", "\n\n", " ", "<think>", "</think>", "<tool_response>", "</tool_response>", "北京", "🦙", "{\"a\": 1}", "day 1", "\t"]


def text(max_pieces=6):
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, max_pieces)))


def message():
    role = rng.choice(["user", "user", "assistant", "assistant", "tool", "system"])
    m = {"role": role, "content": text()}
    if role == "user" and rng.random() < 0.2:
        m["content"] = "<tool_response>" + text(3) + "</tool_response>"
    if role == "assistant":
        if rng.random() < 0.3:
            m["reasoning_content"] = text(4)
        if rng.random() < 0.3:
            m["tool_calls"] = [rng.choice([CALL_DICT, CALL_STR]) for _ in range(rng.randint(1, 2))]
    return m


for i in range(150):
    messages = [message() for _ in range(rng.randint(1, 7))]
    thinking = rng.choice([None, True, False])
    add("random conversation %d" % i, "qwen3", messages, rng.random() < 0.5, thinking, TOOLS if rng.random() < 0.2 else None)

with open("src/test/resources/chat-template-cases.jsonl", "w") as out:
    for case in cases:
        out.write(json.dumps(case, ensure_ascii=False) + "\n")
print(len(cases), "cases")
