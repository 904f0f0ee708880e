"""Phrase banks: the generic, professional sentences replaced segments become, in Chinese and
English, plus role words for masked names and qualitative words for numbers.

A sentence is opener + core + tail, so each bank yields hundreds of distinct sentences; the
rewriter picks deterministically (seed + segment) and never uses one sentence twice in a
document.
"""

from __future__ import annotations

from typing import Literal

PLang = Literal["zh", "en"]

ZH_OPENERS = ("", "一般来说，", "在日常工作中，", "实际操作时，", "结合具体情况，", "通常情况下，",
              "为稳妥起见，", "在推进相关事项时，", "按照通行做法，", "在实践中，", "从协作角度看，",
              "多数情况下，", "处理这类事项时，", "总体而言，")
ZH_TAILS = ("", "，并做好必要的记录", "，确保过程清晰可追溯", "，以降低不必要的风险",
            "，避免影响正常业务", "，必要时寻求支持", "，并及时同步进展", "，做到心中有数",
            "，保持沟通顺畅")
EN_OPENERS = ("", "In practice, ", "As a rule, ", "Generally, ", "Where possible, ",
              "In day-to-day work, ", "When in doubt, ", "For safety, ", "Typically, ",
              "As usual, ", "Overall, ", "In most cases, ", "On the whole, ")
EN_TAILS = ("", ", and keep notes as you go", ", so the process stays traceable",
            ", to reduce unnecessary risk", ", without disrupting regular work",
            ", and ask for support where needed", ", and keep stakeholders informed",
            ", following the usual practice", ", keeping communication open")

ZH_CORES: dict[str, tuple[str, ...]] = {
    "pitfall": (
        "需要留意常见风险，提前做好检查", "建议在变更前充分评估潜在影响", "应避免在准备不充分时推进操作",
        "注意核对关键配置，避免疏漏", "遇到异常应先确认影响范围再处理", "对容易出错的环节建议多做一次复核",
        "应关注边界情况，避免想当然", "不要跳过必要的验证环节", "对不确定的地方应及时与相关同事确认",
        "操作前最好先在测试环境验证", "需要关注上下游依赖的状态变化", "应保留必要的回退手段",
        "留意环境之间的差异", "避免在高峰时段进行有风险的操作"),
    "incident": (
        "过去曾出现过类似问题，相关经验已纳入常规风险管理", "历史上出现过影响业务的情况，需要保持警惕",
        "类似事件提示我们要重视变更管理", "此类问题通常可以通过规范流程来避免",
        "团队曾就相关风险做过复盘，建议遵循通行的处理流程", "以往的经验表明，充分准备能减少意外",
        "出现异常时应按应急预案处理并及时沟通", "类似情况发生时，优先保障业务稳定",
        "相关风险已在团队内部讨论过，处理时按既定流程进行", "事后回顾有助于持续改进",
        "遇到类似问题应先止损，再分析原因", "这类问题提醒我们定期检查关键环节"),
    "judgement": (
        "可根据实际情况权衡处理", "优先考虑稳定性和可维护性", "在效率和风险之间做合理取舍",
        "结合业务需要判断优先级", "必要时与相关方沟通后再做决定", "遵循团队约定的做法",
        "根据影响范围选择合适的处理方式", "保持方案简单清晰", "在动手之前先想清楚目标",
        "以数据和事实作为判断依据", "评估投入与收益后再推进", "按照常规流程逐步推进"),
    "people": (
        "遇到问题可与相关负责人沟通", "涉及跨团队事项时，应及时同步相关方", "按照职责分工联系对应的同事",
        "重要事项需要知会相关负责人", "有疑问时可以在团队内部讨论", "需要协助时可向对应团队寻求支持",
        "与协作方保持定期沟通", "决策前听取相关同事的意见", "必要时按流程升级处理",
        "与上下游团队保持信息同步", "对接时明确各方职责", "及时向相关方反馈进展"),
    "tacit": (
        "现有做法有其历史背景，调整前应先了解来龙去脉", "相关约定是团队长期实践形成的",
        "这样安排主要出于稳定性和协作效率的考虑", "部分做法与早期的技术选型有关",
        "很多规则背后都有具体的业务考量", "现状是多方权衡后的结果", "了解背景有助于做出更合适的判断",
        "相关设计兼顾了当时的业务需求", "调整既有做法前宜与相关方充分沟通", "这类约定有助于减少沟通成本",
        "既有流程反映了团队过去的经验", "保持一致性比局部优化更重要"),
    "persona": (
        "沟通时保持专业、清晰", "对事不对人，注重建设性的反馈", "回复及时，表达简洁",
        "遇到分歧时先了解背景再给出意见", "尊重他人的时间和工作安排", "乐于分享经验并协助同事",
        "关注结果，也重视过程中的协作", "表达观点时有理有据", "在评审中给出具体、友好的建议",
        "保持开放的态度听取不同意见", "做事认真负责，注重细节", "与同事沟通时语气平和"),
    "generic": (
        "按照团队规范开展工作", "相关文档应保持更新", "保持良好的沟通与记录习惯",
        "定期回顾工作方式并持续改进", "重要信息应在团队内共享", "遵循既定的工作流程",
        "合理安排时间和优先级", "保持代码和文档的一致性", "关注质量和可维护性", "按需参考相关资料"),
    "step": (
        "按既定流程完成相应步骤", "完成准备工作后再继续", "核对结果是否符合预期", "记录处理过程并同步进展",
        "按需执行后续检查", "确认前置条件已经满足", "执行相应的操作", "与相关方确认后推进",
        "检查各项状态是否正常", "整理结果并归档", "按团队规范进行验证", "完成后通知相关同事"),
    "summary": (
        "按既定流程依次完成准备、执行与核对", "按团队约定的步骤推进，各环节完成后再进入下一步",
        "先做好准备，再按流程执行并确认结果", "遵循标准流程处理，过程中保持记录与沟通"),
}

EN_CORES: dict[str, tuple[str, ...]] = {
    "pitfall": (
        "watch for common risks and check things beforehand", "assess the potential impact before "
        "making changes", "avoid moving ahead before preparation is complete", "double-check key "
        "settings to avoid oversights", "confirm the scope of an issue before acting on it",
        "review error-prone steps one more time", "pay attention to edge cases rather than "
        "assuming", "do not skip the necessary verification", "confirm anything uncertain with the "
        "relevant colleagues", "try changes in a test environment first", "keep an eye on the state "
        "of upstream and downstream dependencies", "keep a way to roll back",
        "mind the differences between environments", "avoid risky operations at busy times"),
    "incident": (
        "similar issues have happened before and are now part of routine risk management",
        "past problems have affected the business, so stay alert", "such events remind us to take "
        "change management seriously", "this kind of problem can usually be avoided by following "
        "the process", "the team has reviewed related risks, so follow the usual handling process",
        "experience shows that good preparation reduces surprises", "handle anomalies according to "
        "the response plan and communicate early", "when something similar happens, keep the "
        "business stable first", "related risks have been discussed within the team",
        "looking back after an event helps continuous improvement", "contain the impact first, then "
        "look for the cause", "problems like this are a reminder to check key steps regularly"),
    "judgement": (
        "weigh the options according to the situation", "favour stability and maintainability",
        "strike a sensible balance between speed and risk", "set priorities based on business needs",
        "talk to the people involved before deciding", "follow the team's agreed practice",
        "choose an approach that fits the scope of impact", "keep solutions simple and clear",
        "be clear about the goal before starting", "base decisions on data and facts",
        "weigh cost against benefit before proceeding", "move forward step by step through the "
        "usual process"),
    "people": (
        "raise questions with the relevant owner", "keep the other teams involved in cross-team "
        "matters", "contact the appropriate colleague according to their responsibilities",
        "make sure the relevant lead is aware of important matters", "discuss open questions within "
        "the team", "ask the responsible team for help when needed", "stay in regular contact with "
        "collaborators", "listen to the colleagues involved before deciding", "escalate through the "
        "usual channel when necessary", "keep upstream and downstream teams in sync",
        "agree on who is responsible for what", "give stakeholders timely updates"),
    "tacit": (
        "current practices have a history, so understand it before changing them", "these "
        "conventions grew out of the team's long experience", "the arrangement mainly serves "
        "stability and efficient collaboration", "some practices relate to earlier technology "
        "choices", "many rules reflect concrete business considerations", "the current state is the "
        "result of several trade-offs", "knowing the background helps make better calls",
        "the design took the business needs of the time into account", "discuss with those "
        "involved before changing established practice", "such conventions reduce communication "
        "overhead", "existing processes reflect what the team has learned", "consistency matters "
        "more than local optimisation"),
    "persona": (
        "communicate professionally and clearly", "focus on the issue and give constructive "
        "feedback", "reply promptly and concisely", "understand the context before giving an opinion "
        "in a disagreement", "respect other people's time and plans", "share experience and help "
        "colleagues", "care about outcomes as well as collaboration", "back opinions with reasons",
        "give specific, friendly suggestions in reviews", "stay open to different views",
        "work carefully and pay attention to detail", "keep a calm tone with colleagues"),
    "generic": (
        "work according to team conventions", "keep the relevant documents up to date",
        "maintain good communication and record-keeping habits", "review ways of working regularly "
        "and keep improving", "share important information within the team", "follow the "
        "established workflow", "plan time and priorities sensibly", "keep code and documentation "
        "consistent", "pay attention to quality and maintainability", "consult the relevant "
        "material as needed"),
    "step": (
        "complete the step according to the established process", "finish the preparation before "
        "moving on", "check that the result is as expected", "record what was done and share "
        "progress", "run follow-up checks as needed", "confirm the prerequisites are met",
        "carry out the relevant operation", "proceed after confirming with those involved",
        "check that everything looks normal", "collect the results and file them", "verify "
        "according to team practice", "let the relevant colleagues know when done"),
    "summary": (
        "prepare, carry out and verify the work following the established process",
        "follow the team's agreed steps, finishing each before starting the next",
        "prepare first, then follow the process and confirm the outcome",
        "follow the standard process, keeping notes and communicating along the way"),
}

ZH_UTTERANCES = (
    "好的，我先看一下，稍后回复你。", "收到，我确认后同步大家。", "这个问题我们可以一起讨论一下。",
    "辛苦了，有进展随时说。", "可以的，按流程来就好。", "我了解一下背景再给你答复。", "谢谢提醒，我会跟进。",
    "这个方案整体可以，细节我们再对一下。", "明白，我这边安排一下。", "有需要的话我们约个时间聊聊。",
    "感谢反馈，我们一起看看怎么改进。", "先按现有流程处理，有问题再沟通。")
EN_UTTERANCES = (
    "Thanks, I'll take a look and get back to you.", "Got it, I'll confirm and update everyone.",
    "Let's discuss this together.", "Thanks for the work, keep me posted.",
    "Sounds fine, let's follow the usual process.", "Let me check the background and reply.",
    "Thanks for the reminder, I'll follow up.", "The plan looks good overall; let's align on "
    "details.", "Understood, I'll arrange it.", "Happy to set up a quick chat if needed.",
    "Thanks for the feedback, let's see how to improve.", "Let's handle it the usual way for now.")

ZH_CODE = ("执行相应的检查", "按环境设置相关参数", "运行标准流程中的命令", "确认当前状态",
           "按需调整配置", "记录输出结果", "根据实际情况填写", "调用对应的接口", "清理临时数据",
           "验证结果是否符合预期", "加载所需的配置", "按团队约定执行")
EN_CODE = ("run the usual checks", "set parameters for the environment", "run the standard "
           "command", "confirm the current state", "adjust settings as needed", "record the output",
           "fill in as appropriate", "call the relevant interface", "clean up temporary data",
           "verify the result", "load the required configuration", "follow team conventions")

ZH_CELLS = ("视情况而定", "按需处理", "常规", "相关项", "按流程", "适当", "对应负责人", "一般", "待确认",
            "按规范", "合理范围", "相应方式")
EN_CELLS = ("as needed", "standard", "varies", "relevant item", "per process", "appropriate",
            "the owner", "usual", "to be confirmed", "per guidelines", "reasonable", "accordingly")

# Masked names → role words.
ROLES: dict[str, dict[PLang, tuple[str, ...]]] = {
    "person": {"zh": ("相关负责人", "对应同事", "相关同事", "负责的同事"),
               "en": ("the owner", "a colleague", "the relevant person", "the person in charge")},
    "system": {"zh": ("相关系统", "内部平台", "对应服务", "相关工具"),
               "en": ("the relevant system", "the internal platform", "the service involved",
                      "the relevant tool")},
    "team": {"zh": ("相关团队", "负责团队", "对应团队"),
             "en": ("the responsible team", "the relevant team", "the team involved")},
    "channel": {"zh": ("相应沟通渠道", "团队沟通群", "常用渠道"),
                "en": ("the usual channel", "the team channel", "the relevant channel")},
    "code": {"zh": ("相应命令", "相关配置", "对应指令"),
             "en": ("the relevant command", "the relevant setting", "the usual command")},
    "link": {"zh": ("相关文档", "内部资料"), "en": ("the relevant docs", "the internal notes")},
    "url": {"zh": ("相关文档", "内部资料"), "en": ("the relevant docs", "the internal notes")},
    "email": {"zh": ("相关负责人",), "en": ("the owner",)},
}

# Numbers → qualitative words, by unit class. "strict" is used in critical segments, where
# the qualitative word must still carry the obligation ("within the required time").
QUALITATIVE: dict[str, dict[PLang, tuple[str, str]]] = {
    #                 (ordinary, strict)
    "duration": {"zh": ("一段时间", "规定时限"), "en": ("a while", "the required time")},
    "percent": {"zh": ("一定比例", "规定比例"), "en": ("a notable share", "the required level")},
    "size": {"zh": ("一定规模", "规定上限"), "en": ("a sizeable amount", "the set limit")},
    "money": {"zh": ("一定金额", "规定额度"), "en": ("a certain amount", "the set amount")},
    "rate": {"zh": ("较高负载", "规定负载"), "en": ("a high load", "the set load")},
    "count": {"zh": ("若干", "规定数量的"), "en": ("several", "the required number of")},
    "step": {"zh": ("随后", "随后"), "en": ("Next", "Next")},
    "severity": {"zh": ("高优先级", "规定级别"), "en": ("high priority", "the required severity")},
    "": {"zh": ("一定数量", "规定数值"), "en": ("a certain number", "the required value")},
    "threshold": {"zh": ("合理范围", "规定要求"), "en": ("a reasonable level",
                                                   "the required level")},
    "date": {"zh": ("此前", "规定日期"), "en": ("at one point", "by the set date")},
    "time": {"zh": ("特定时段", "规定时间"), "en": ("at certain hours", "at the set time")},
    "version": {"zh": ("特定版本", "规定版本"), "en": ("a specific version", "the approved version")},
}
