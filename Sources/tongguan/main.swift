import Foundation
import TongguanServer

exit(await TongguanMain.run())
