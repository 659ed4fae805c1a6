/**
 * The generator's vocabulary: real administrative divisions (GB/T 2260) of the four provinces the
 * seed texts come from, industries (GB/T 4754-2017) grouped by how they are supervised, and the parts
 * Chinese enterprise and person names are made of.
 */

export interface County {
  code: string;
  /** short city name used in enterprise names, e.g. 武汉 */
  city: string;
  /** province abbreviation used in decision numbers, e.g. 鄂 */
  abbr: string;
  /** licence-plate prefix of the city, e.g. 鄂A */
  plate: string;
}

const c = (code: string, city: string, abbr: string, plate: string): County => ({ code, city, abbr, plate });

/** County-level divisions (real codes) of 湖北 42, 湖南 43, 河北 13, 吉林 22. */
export const COUNTIES: readonly County[] = [
  // 湖北省
  c('420102', '武汉', '鄂', '鄂A'),
  c('420103', '武汉', '鄂', '鄂A'),
  c('420104', '武汉', '鄂', '鄂A'),
  c('420105', '武汉', '鄂', '鄂A'),
  c('420106', '武汉', '鄂', '鄂A'),
  c('420111', '武汉', '鄂', '鄂A'),
  c('420115', '武汉', '鄂', '鄂A'),
  c('420202', '黄石', '鄂', '鄂B'),
  c('420303', '十堰', '鄂', '鄂C'),
  c('420502', '宜昌', '鄂', '鄂E'),
  c('420602', '襄阳', '鄂', '鄂F'),
  c('420802', '荆门', '鄂', '鄂H'),
  c('421002', '荆州', '鄂', '鄂D'),
  // 湖南省
  c('430102', '长沙', '湘', '湘A'),
  c('430103', '长沙', '湘', '湘A'),
  c('430104', '长沙', '湘', '湘A'),
  c('430105', '长沙', '湘', '湘A'),
  c('430111', '长沙', '湘', '湘A'),
  c('430202', '株洲', '湘', '湘B'),
  c('430302', '湘潭', '湘', '湘C'),
  c('430405', '衡阳', '湘', '湘D'),
  c('430602', '岳阳', '湘', '湘F'),
  c('431202', '怀化', '湘', '湘N'),
  c('431224', '溆浦', '湘', '湘N'),
  // 河北省
  c('130102', '石家庄', '冀', '冀A'),
  c('130104', '石家庄', '冀', '冀A'),
  c('130105', '石家庄', '冀', '冀A'),
  c('130108', '石家庄', '冀', '冀A'),
  c('130202', '唐山', '冀', '冀B'),
  c('130203', '唐山', '冀', '冀B'),
  c('130302', '秦皇岛', '冀', '冀C'),
  c('130402', '邯郸', '冀', '冀D'),
  c('130602', '保定', '冀', '冀F'),
  // 吉林省
  c('220102', '长春', '吉', '吉A'),
  c('220103', '长春', '吉', '吉A'),
  c('220104', '长春', '吉', '吉A'),
  c('220105', '长春', '吉', '吉A'),
  c('220202', '吉林', '吉', '吉B'),
  c('220302', '四平', '吉', '吉C'),
  c('220502', '通化', '吉', '吉E'),
  c('222401', '延吉', '吉', '吉H'),
];

/** How an industry is supervised: which departments hold records about it and which rules apply. */
export type Sector =
  'MINE' | 'HAZCHEM' | 'FIREWORKS' | 'METALLURGY' | 'CONSTRUCTION' | 'TRANSPORT' | 'GAS' | 'REAL_ESTATE' | 'CROWDED' | 'GENERAL';

export interface Industry {
  code: string;
  name: string;
  sector: Sector;
  /** word used in enterprise names */
  word: string;
  /** relative frequency among generated enterprises (high-risk ones well represented) */
  weight: number;
}

const ind = (code: string, name: string, sector: Sector, word: string, weight: number): Industry => ({ code, name, sector, word, weight });

export const INDUSTRIES: readonly Industry[] = [
  ind('B0610', '烟煤和无烟煤开采洗选', 'MINE', '煤业', 4),
  ind('B0810', '铁矿采选', 'MINE', '矿业', 2),
  ind('B1011', '石灰石、石膏开采', 'MINE', '矿业', 2),
  ind('C2614', '有机化学原料制造', 'HAZCHEM', '化工', 5),
  ind('C2661', '化学试剂和助剂制造', 'HAZCHEM', '化学', 3),
  ind('F5165', '化工产品批发', 'HAZCHEM', '化工贸易', 2),
  ind('C2671', '炸药及火工产品制造', 'FIREWORKS', '民爆', 1),
  ind('C2672', '焰火、鞭炮产品制造', 'FIREWORKS', '烟花', 2),
  ind('C3110', '炼铁', 'METALLURGY', '钢铁', 2),
  ind('C3216', '铝冶炼', 'METALLURGY', '铝业', 1),
  ind('E4710', '住宅房屋建筑', 'CONSTRUCTION', '建设工程', 12),
  ind('E4813', '市政道路工程建筑', 'CONSTRUCTION', '市政工程', 5),
  ind('E4910', '电气安装', 'CONSTRUCTION', '机电安装', 3),
  ind('E5010', '建筑装饰和装修业', 'CONSTRUCTION', '装饰工程', 3),
  ind('G5420', '公路旅客运输', 'TRANSPORT', '客运', 3),
  ind('G5435', '危险货物道路运输', 'TRANSPORT', '危货运输', 3),
  ind('G5431', '普通货物道路运输', 'TRANSPORT', '物流', 4),
  ind('D4500', '燃气生产和供应业', 'GAS', '燃气', 2),
  ind('K7010', '房地产开发经营', 'REAL_ESTATE', '置业', 6),
  ind('F5211', '百货零售', 'CROWDED', '商贸', 4),
  ind('H6110', '旅游饭店', 'CROWDED', '酒店', 3),
  ind('I6510', '软件开发', 'GENERAL', '科技', 5),
  ind('C1391', '淀粉及淀粉制品制造', 'GENERAL', '食品', 3),
  ind('L7211', '企业总部管理', 'GENERAL', '实业', 3),
  ind('M7320', '工程和技术研究和试验发展', 'GENERAL', '技术', 2),
];

export const HIGH_RISK_SECTORS: ReadonlySet<Sector> = new Set([
  'MINE',
  'HAZCHEM',
  'FIREWORKS',
  'METALLURGY',
  'CONSTRUCTION',
  'TRANSPORT',
  'GAS',
]);

/** 字号 characters: two (or three) of these make an enterprise's trade name. */
export const TRADE_NAME_CHARS = [
  ...'江城华宏鑫泰恒昌盛达远通安顺兴隆祥瑞富丰永康明德信诚新金银海天山峰岳湘楚荆燕赵长白松辰宇星光正大中联合众利源博弘嘉和',
];

export const LEGAL_FORMS = [
  { suffix: '有限公司', type: '有限责任公司' },
  { suffix: '有限责任公司', type: '有限责任公司' },
  { suffix: '股份有限公司', type: '股份有限公司' },
  { suffix: '集团有限公司', type: '有限责任公司' },
] as const;

export const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢'];
export const GIVEN_CHARS = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌辉鹏飞宇浩然晨阳林峰海波'];

export const INSURERS = [
  '中国人民财产保险股份有限公司',
  '中国平安财产保险股份有限公司',
  '中国太平洋财产保险股份有限公司',
  '中华联合财产保险股份有限公司',
];

export const HIDDEN_DANGER_TEXTS = {
  MAJOR: [
    '重大危险源未设置紧急切断装置',
    '煤矿超层越界开采',
    '危险化学品储罐区防火堤损坏',
    '高处作业未设置防护设施且无法整改到位',
    '深基坑支护变形超出预警值',
  ],
  GENERAL: ['安全警示标志缺失', '消防器材过期未更换', '特种设备未按期检验', '作业场所通风不良', '临时用电线路私拉乱接'],
} as const;

export const FIRE_FINDINGS = ['封闭安全出口', '占用消防车通道', '消防设施未保持完好有效', '疏散指示标志损坏', '电动自行车室内充电'];
export const PENALTY_REASONS = {
  MARKET: ['未按规定公示年度报告', '虚假宣传', '销售不合格产品', '无照经营'],
  EMERGENCY: ['未按规定开展隐患排查治理', '特种作业人员未持证上岗', '安全生产责任制不落实', '未按规定投保安全生产责任保险'],
  TRANSPORT: ['车辆超限超载运输', '驾驶员疲劳驾驶未纠正', '未按规定进行动态监控', '危险货物运输车辆未按规定路线行驶'],
  FIRE: ['封闭安全出口', '占用消防车通道', '消防设施未保持完好有效', '擅自投入使用、营业'],
} as const;
