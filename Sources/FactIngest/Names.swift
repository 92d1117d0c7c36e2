/// What a list item names: an organisation (by its suffix), a person (surname, after a title),
/// a place, or a short name; the rules for where a name starts and ends.
enum Names {
    /// Organisation suffixes, longest first (团队 and 班组 make teams).
    static let orgSuffixes: [Scalars] = [
        "股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团公司", "总公司", "分公司", "公司", "集团",
        "研究院", "研究所", "研究中心", "设计院", "科学院", "医院", "卫生院", "学校", "大学", "学院", "中学", "小学", "幼儿园",
        "团队", "班组", "项目组", "小组", "工作室", "车间", "工厂", "分厂", "厂", "合作社", "协会", "商会", "联合会",
        "银行", "分行", "支行", "酒店", "饭店", "宾馆", "超市", "商场", "景区", "事务所", "检测站", "电站", "供电局", "供电所",
        "中心", "基地", "农场", "牧场", "林场", "茶场", "煤矿", "矿业", "博物馆", "图书馆", "科室", "内科", "外科", "病区",
        "研究室", "实验室", "院", "所", "站", "馆", "社", "队",
    ].map(scalars).sorted { $0.count > $1.count }
    static let teamSuffixes: [Scalars] = ["团队", "班组", "项目组", "小组", "工作室", "车间", "科室", "内科", "外科", "病区", "实验室", "研究室"].map(scalars)
    /// Bodies that give or announce awards, not recipients, in list context.
    static let authoritySuffixes: [Scalars] = ["人民政府", "政府", "办公厅", "办公室", "委员会", "管委会", "监督管理局", "监管局", "市场监管总局", "记者", "报社", "日报", "晚报", "融媒"].map(scalars)

    /// Titles before a person's name (longest first).
    static let titles: [Scalars] = [
        "党委书记", "党委副书记", "董事长", "副董事长", "总经理", "副总经理", "常务副总经理", "总裁", "副总裁", "首席质量官", "首席执行官",
        "首席技师", "首席专家", "总工程师", "副总工程师", "高级工程师", "工程师", "总工", "总监", "质量总监", "技术总监", "经理",
        "主任医师", "副主任医师", "主治医师", "医师", "护士长", "主任", "副主任", "部长", "副部长", "处长", "科长", "局长", "厂长",
        "副厂长", "院长", "副院长", "校长", "所长", "站长", "队长", "组长", "班长", "车间主任", "书记", "研究员", "教授", "院士",
        "会长", "秘书长", "负责人", "创始人", "董事", "主管", "技术员", "质检员", "高级技师", "技师", "工人", "职工", "员工", "专家",
        "带头人", "操作工", "焊工", "电工", "钳工", "匠人", "传承人", "主席", "调研员", "巡视员", "党组成员", "科员", "副主席",
        "副书记", "副会长", "副秘书长", "副总监", "副所长", "副校长", "副站长", "副队长", "副科长", "副处长", "副局长", "发言人",
    ].map(scalars).sorted { $0.count > $1.count }
    static let honorifics: [Scalars] = ["同志", "先生", "女士", "院士", "教授", "博士"].map(scalars)

    static let singleSurnames: Set<UInt32> = Set(scalars(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"))
    static let compoundSurnames: [Scalars] = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "令狐", "夏侯", "澹台", "端木", "独孤", "南宫", "西门", "轩辕"].map(scalars)

    /// Words that make an item a description or a count, not a name.
    static let generic: [Scalars] = ["我市", "我省", "我区", "我县", "我国", "全市", "全省", "全国", "全区", "全县", "本市", "本届", "本次", "该市", "共有", "累计",
                                     "其中", "另有", "此外", "这是", "他们", "它们", "其他", "以上", "以下", "获奖", "名单", "附件", "企业代表",
                                     "各级", "各类", "多家", "一批", "上述", "有关", "相关", "数量", "组织和个人", "单位和个人", "通过", "经过",
                                     "评审", "公示", "申报", "审议", "推荐", "决定", "表彰", "奖励", "荣誉", "称号", "质量奖", "领导", "负责人",
                                     "记者", "通讯员", "报道", "发布", "召开", "会议", "大会", "仪式", "活动"].map(scalars)
    static let categoryWords: [Scalars] = ["企业", "组织", "单位", "机构", "个人", "团队", "类", "名单", "获奖"].map(scalars)

    static func endsWithOrgSuffix(_ s: some Collection<UInt32>) -> Scalars? {
        let a = Array(s)
        for suf in orgSuffixes where a.count > suf.count + 1 && a.has(suf, endingAt: a.count) { return suf }
        return nil
    }

    static func isTeam(_ s: Scalars) -> Bool { teamSuffixes.contains { s.has($0, endingAt: s.count) } || s.contains(scalars("团队")) }

    static func isAuthority(_ s: Scalars) -> Bool { authoritySuffixes.contains { s.has($0, endingAt: s.count) } }

    /// Whether `s` reads as a personal name (2–4 Han, a known surname first).
    static func isPersonName(_ s: some Collection<UInt32>) -> Bool {
        let a = Array(s)
        if let dot = a.firstIndex(where: isNameDot) { return isDottedName(a, dot) }
        guard a.count >= 2 && a.count <= 4, a.allSatisfy(isHan) else { return false }
        if compoundSurnames.contains(where: { a.has($0, at: 0) }) { return a.count >= 3 }
        guard singleSurnames.contains(a[0]) else { return false }
        if a.count == 4 { return false }
        // Not a title or a generic word that happens to start with a surname character.
        if titles.contains(where: { a.has($0, endingAt: a.count) }) { return false }
        if generic.contains(where: { a.contains($0) }) { return false }
        return true
    }

    /// The dots between the parts of a transcribed name (阿依古丽·买买提): ·, •, ‧, ・, ．
    @inline(__always) static func isNameDot(_ c: UInt32) -> Bool { c == 0xB7 || c == 0x2022 || c == 0x2027 || c == 0x30FB || c == 0xFF0E || c == 0x2E }

    /// A name of two to four Han parts joined by dots, each 1–8 long (Uyghur, Tibetan, foreign names).
    static func isDottedName(_ a: Scalars, _ firstDot: Int) -> Bool {
        let parts = a.split(whereSeparator: isNameDot)
        guard parts.count >= 2, parts.count <= 4, a.count <= 20, firstDot > 0, !isNameDot(a.last!) else { return false }
        // 总工程师·高级工程师冯立新 is two titles and a name, not one dotted name.
        if parts.contains(where: { p in titles.contains { Array(p).contains($0) } || Array(p).count >= 2 && titles.contains { t in Array(p).has(Array(t.suffix(2)), at: 0) } }) { return false }
        return parts.allSatisfy { $0.count >= 1 && $0.count <= 8 && $0.allSatisfy(isHan) } && parts.first!.count >= 2 || parts.allSatisfy { $0.count >= 2 && $0.allSatisfy(isHan) }
    }

    /// The title that ends at `end` in `s`, if any.
    static func title(in s: Scalars, endingAt end: Int) -> Scalars? {
        titles.first { s.has($0, endingAt: end) }
    }
}

